/// Checks UTF-8 a piece at a time, so a text message split across frames is validated as it arrives and rejected at
/// the first bad byte (RFC 6455 §8.1: an endpoint that finds invalid UTF-8 must fail the connection, code 1007).
///
/// Follows the well-formed byte sequences of Unicode's Table 3-7: no overlong forms, no surrogates, nothing past
/// U+10FFFF. ASCII runs are skipped eight bytes at a time.
package struct UTF8Validator: Hashable, Sendable {
    /// Continuation bytes still expected for the current scalar.
    private var remaining = 0
    /// The allowed range of the next continuation byte (narrower than 0x80...0xBF right after some lead bytes).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    package init() {}

    /// Whether the bytes seen so far end on a scalar boundary, as a complete message must.
    package var isComplete: Bool { self.remaining == 0 }

    /// Feeds more bytes; returns `false` at the first byte that cannot be part of valid UTF-8.
    package mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            if self.remaining == 0 {
                // Fast path: eight ASCII bytes at once.
                while index + 8 <= count,
                    bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    index += 8
                }
                guard index < count else { break }
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x00...0x7F:
                    continue
                case 0xC2...0xDF:
                    self.expect(1, 0x80, 0xBF)
                case 0xE0:
                    self.expect(2, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF:
                    self.expect(2, 0x80, 0xBF)
                case 0xED:
                    self.expect(2, 0x80, 0x9F)
                case 0xF0:
                    self.expect(3, 0x90, 0xBF)
                case 0xF1...0xF3:
                    self.expect(3, 0x80, 0xBF)
                case 0xF4:
                    self.expect(3, 0x80, 0x8F)
                default:
                    return false
                }
            } else {
                let byte = bytes[index]
                index += 1
                guard byte >= self.lower, byte <= self.upper else { return false }
                self.remaining -= 1
                self.lower = 0x80
                self.upper = 0xBF
            }
        }
        return true
    }

    private mutating func expect(_ count: Int, _ lower: UInt8, _ upper: UInt8) {
        self.remaining = count
        self.lower = lower
        self.upper = upper
    }
}
