/// The 128-bit secret a server gives a session in its hello, which every datagram and every resume of that session
/// must present.
///
/// It follows the KCP wiki's "Cooperate With Tcp Server" scheme (a login over a stream hands out an id and a key,
/// and UDP packets carry both), with 128 random bits instead of the wiki's 32 so the key cannot be guessed.
/// On the wire it is 16 bytes; in JSON, 32 lower-case hexadecimal digits.
package struct SessionKey: Hashable, Sendable, CustomStringConvertible {
    /// The first 8 bytes of the key, big-endian.
    package var high: UInt64
    /// The last 8 bytes of the key, big-endian.
    package var low: UInt64

    /// The size of a key on the wire.
    package static let byteCount = 16

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh key of 128 random bits from `generator` (the runtime passes `SystemRandomNumberGenerator`).
    package static func random(using generator: inout some RandomNumberGenerator) -> SessionKey {
        SessionKey(high: generator.next(), low: generator.next())
    }

    /// Whether `other` is this key, in a time that does not depend on where the keys differ.
    ///
    /// `==` may stop at the first differing word; a key check that an attacker can time must not.
    package func matchesInConstantTime(_ other: SessionKey) -> Bool {
        ((self.high ^ other.high) | (self.low ^ other.low)) == 0
    }

    /// The key as 32 lower-case hexadecimal digits.
    package var hexString: String {
        func hex(_ word: UInt64) -> String {
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(self.high) + hex(self.low)
    }

    /// A key from 32 hexadecimal digits, or `nil` when `hexString` is anything else.
    package init?(hexString: String) {
        let utf8 = Array(hexString.utf8)
        guard utf8.count == 32, utf8.allSatisfy({ Self.hexValue($0) != nil }) else { return nil }
        guard let high = UInt64(String(hexString.prefix(16)), radix: 16),
            let low = UInt64(String(hexString.suffix(16)), radix: 16)
        else { return nil }
        self.init(high: high, low: low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // A key is a secret: keep it out of logs.
    package var description: String { "SessionKey(…)" }
}

extension SessionKey: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let key = SessionKey(hexString: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a key is 32 hexadecimal digits")
        }
        self = key
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.hexString)
    }
}
