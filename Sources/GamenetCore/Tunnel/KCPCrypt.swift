import Crypto
import Foundation
import NIOCore
import _CryptoExtras

/// kcptun's datagram crypto (kcp-go `sess.go` `postProcess`/`packetInput`, `crypt.go`), for talking to a stock
/// kcptun: each datagram gets a 16-byte random nonce and the CRC-32 of what follows, and then, for the AES methods,
/// the whole datagram, nonce included, is encrypted with AES in CFB-128 mode under a fixed IV.
///
/// ```
/// 0                    16          20
/// +--------------------+-----------+---------------------------------+
/// |  nonce (random)    | crc32 LE  | payload (FEC shard or KCP)      |
/// +--------------------+-----------+---------------------------------+
///  \_______________ encrypted as one CFB stream (aes, aes-128) ______/
/// ```
/// The CRC is IEEE (Go `crc32.ChecksumIEEE`) over the payload. The fixed IV is harmless only because the first block
/// is random. The key is PBKDF2-HMAC-SHA1(password, salt "kcp-go", 4096 iterations, 32 bytes), as kcptun derives it
/// (`pbkdf2.Key([]byte(key), []byte(SALT), 4096, 32, sha1.New)`). There is no authentication beyond the CRC and no
/// replay protection, as kcptun's README says; gamenet's own ``TunnelCrypto`` has both.
package struct KCPCrypt: Sendable {
    /// The `--crypt` values of kcptun that gamenet speaks.
    package enum Method: String, Hashable, Sendable, CaseIterable {
        /// AES-256-CFB with the whole 32-byte derived key (kcptun's default).
        case aes
        /// AES-128-CFB with the first 16 bytes of the derived key.
        case aes128 = "aes-128"
        /// Nonce and CRC, not encrypted (kcp-go `NewNoneBlockCrypt`).
        case none
        /// No crypto header at all (kcptun passes a nil BlockCrypt).
        case null
    }

    /// kcptun's `--key` default, misspelling included.
    package static let defaultKey = "it's a secrect"

    /// kcp-go's `initialVector`.
    package static let initialVector: [UInt8] = [
        167, 115, 79, 156, 18, 172, 27, 1, 164, 21, 242, 193, 252, 120, 230, 107,
    ]

    /// Bytes before the payload: nonce and CRC (none for `null`).
    package var headerSize: Int { self.method == .null ? 0 : 20 }

    package let method: Method
    package private(set) var counters = TunnelCryptoCounters()
    /// The AES key: the derived key, or its first 16 bytes for `aes-128`; empty for `none` and `null`.
    private let key: [UInt8]

    /// - Parameters:
    ///   - method: the `--crypt` value.
    ///   - password: the `--key` value.
    package init(method: Method, password: String = KCPCrypt.defaultKey) throws(TunnelCryptoError) {
        self.method = method
        switch method {
        case .aes: self.key = try Self.deriveKey(password: password)
        case .aes128: self.key = Array(try Self.deriveKey(password: password).prefix(16))
        case .none, .null: self.key = []
        }
    }

    /// kcptun's method for a `--crypt` name; nil for the ones gamenet does not speak (kcptun itself falls back to
    /// `aes` for a name it does not know).
    package static func method(named name: String) -> Method? {
        Method(rawValue: name)
    }

    /// PBKDF2-HMAC-SHA1(password, "kcp-go", 4096, 32): kcptun's key derivation.
    package static func deriveKey(password: String) throws(TunnelCryptoError) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: Array("kcp-go".utf8), using: .insecureSHA1, outputByteCount: 32,
                unsafeUncheckedRounds: 4096)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .cryptoFailure("PBKDF2: \(error)")
        }
    }

    /// The datagram that carries `payload`, with a nonce drawn from `generator`.
    package mutating func seal<G: RandomNumberGenerator>(
        _ payload: ByteBuffer,
        using generator: inout G
    ) throws(TunnelCryptoError) -> ByteBuffer {
        guard self.method != .null else {
            self.counters.sealed += 1
            return payload
        }
        var plain = [UInt8](repeating: 0, count: 20 + payload.readableBytes)
        for word in 0..<2 {
            let random = generator.next()
            for byte in 0..<8 { plain[word * 8 + byte] = UInt8(truncatingIfNeeded: random >> (8 * UInt64(byte))) }
        }
        payload.withUnsafeReadableBytes { bytes in
            plain.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[20...]).copyMemory(from: bytes) }
        }
        let checksum = plain.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[20...])) }
        for byte in 0..<4 { plain[16 + byte] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt32(byte))) }
        let sealed = try self.transform(plain, encrypting: true)
        self.counters.sealed += 1
        return ByteBuffer(bytes: sealed)
    }

    /// The payload of a datagram from a kcptun peer; throws, and counts the reason, if it is shorter than the header
    /// or its CRC does not match after decryption.
    package mutating func open(_ datagram: ByteBuffer) throws(TunnelCryptoError) -> ByteBuffer {
        guard self.method != .null else {
            self.counters.opened += 1
            return datagram
        }
        guard datagram.readableBytes >= 20 else {
            self.counters.count(.truncated(length: datagram.readableBytes))
            throw .truncated(length: datagram.readableBytes)
        }
        let plain = try self.transform(datagram.getBytes(at: datagram.readerIndex, length: datagram.readableBytes)!, encrypting: false)
        let stored = plain[16..<20].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        let checksum = plain.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[20...])) }
        guard stored == checksum else {
            self.counters.count(.badChecksum)
            throw .badChecksum
        }
        self.counters.opened += 1
        return ByteBuffer(bytes: plain[20...])
    }

    /// AES-CFB-128 over the whole datagram under the fixed IV (kcp-go `encrypt16`/`decrypt16`, which are standard
    /// CFB: each keystream block is the encryption of the previous ciphertext block), or the bytes as they are.
    private func transform(_ bytes: [UInt8], encrypting: Bool) throws(TunnelCryptoError) -> [UInt8] {
        switch self.method {
        case .none, .null:
            return bytes
        case .aes, .aes128:
            do {
                let key = SymmetricKey(data: self.key)
                let iv = try AES._CFB.IV(ivBytes: Self.initialVector)
                let result =
                    encrypting
                    ? try AES._CFB.encrypt(bytes, using: key, iv: iv) : try AES._CFB.decrypt(bytes, using: key, iv: iv)
                return Array(result)
            } catch {
                throw .cryptoFailure("AES-CFB: \(error)")
            }
        }
    }
}
