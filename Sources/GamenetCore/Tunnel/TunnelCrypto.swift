import Crypto
import Foundation
import NIOCore

/// Seals and opens the datagrams of one gamenet tunnel, a pure state machine: each datagram is encrypted and
/// authenticated on its own (an AEAD), numbered by a per-direction counter that never repeats, and checked against
/// a sliding replay window on arrival.
///
/// Wire layout of a sealed datagram:
/// ```
/// 0        1                       9                       17
/// +--------+-----------------------+-----------------------+--------------------+---------+
/// | suite  |   tunnel id (u64 BE)  |    counter (u64 BE)   |  ciphertext        | tag 16  |
/// +--------+-----------------------+-----------------------+--------------------+---------+
///  \____________ additional authenticated data ___________/
/// ```
/// - `suite`: ``TunnelCipherSuite`` raw value. `none` has no tag and no encryption.
/// - `tunnel id`: 64 random bits the client draws when it starts; it is the HKDF salt, sent in the clear, so the
///   server derives the same keys from the first datagram without a handshake, and a restarted client gets new keys.
/// - `counter`: the sender's datagram number in this direction, from 0. The 96-bit AEAD nonce is four zero bytes
///   and then the counter, as WireGuard builds it; since each direction has its own key, a (key, nonce) pair is never
///   used twice. Sealing refuses to go past 2^64 − 1.
///
/// Keys: `HKDF-SHA256(ikm: UTF-8 of the user's key, salt: tunnel id (8 bytes BE), info: "gamenet tunnel v1 " +
/// "client to server" or "server to client" + the suite byte, 32 bytes)` (RFC 5869). HKDF does not stretch a
/// password: the user's key should be long and random (`openssl rand -base64 32`).
package struct TunnelCrypto: Sendable {
    /// Which end of the tunnel this is, which decides the key of each direction.
    package enum Role: Hashable, Sendable {
        case client
        case server
    }

    /// Bytes before the ciphertext.
    package static let headerSize = 17

    package let suite: TunnelCipherSuite
    package let tunnelID: UInt64
    package let role: Role
    package private(set) var counters = TunnelCryptoCounters()

    // Key bytes rather than `SymmetricKey`, which is not Sendable on every platform swift-crypto supports.
    private let sendKey: [UInt8]
    private let receiveKey: [UInt8]
    private var nextCounter: UInt64 = 0
    private var window = ReplayWindow()

    /// - Parameters:
    ///   - suite: the AEAD, or `none`.
    ///   - key: the secret both ends were given.
    ///   - tunnelID: the client's random tunnel id (a server takes it from ``peekTunnelID(_:)``).
    ///   - role: which end this is.
    package init(suite: TunnelCipherSuite, key: String, tunnelID: UInt64, role: Role) {
        self.suite = suite
        self.tunnelID = tunnelID
        self.role = role
        let clientToServer = Self.deriveKey(key, tunnelID: tunnelID, direction: "client to server", suite: suite)
        let serverToClient = Self.deriveKey(key, tunnelID: tunnelID, direction: "server to client", suite: suite)
        self.sendKey = role == .client ? clientToServer : serverToClient
        self.receiveKey = role == .client ? serverToClient : clientToServer
    }

    /// A random tunnel id for a client.
    package static func makeTunnelID<G: RandomNumberGenerator>(using generator: inout G) -> UInt64 {
        generator.next()
    }

    /// The suite byte and tunnel id of a datagram, read without authenticating it, or nil if it is too short.
    package static func peekTunnelID(_ datagram: ByteBuffer) -> (suite: UInt8, tunnelID: UInt64)? {
        guard datagram.readableBytes >= Self.headerSize,
            let suite = datagram.getInteger(at: datagram.readerIndex, as: UInt8.self),
            let id = datagram.getInteger(at: datagram.readerIndex + 1, endianness: .big, as: UInt64.self)
        else { return nil }
        return (suite, id)
    }

    /// The counter the next sealed datagram will carry.
    package var nextSendCounter: UInt64 { self.nextCounter }

    /// The datagram that carries `payload` to the other end.
    package mutating func seal(_ payload: ByteBuffer) throws(TunnelCryptoError) -> ByteBuffer {
        guard self.nextCounter < UInt64.max else { throw .counterExhausted }
        let counter = self.nextCounter
        self.nextCounter += 1

        var datagram = ByteBufferAllocator().buffer(
            capacity: Self.headerSize + payload.readableBytes + self.suite.tagSize)
        datagram.writeInteger(self.suite.rawValue)
        datagram.writeInteger(self.tunnelID, endianness: .big)
        datagram.writeInteger(counter, endianness: .big)
        let header = datagram.getBytes(at: datagram.readerIndex, length: Self.headerSize)!
        let nonce = Self.nonce(counter)
        let suite = self.suite
        let key = SymmetricKey(data: self.sendKey)
        do {
            try payload.withUnsafeReadableBytes { plaintext in
                switch suite {
                case .none:
                    datagram.writeBytes(plaintext)
                case .chacha20Poly1305:
                    let box = try ChaChaPoly.seal(
                        plaintext, using: key, nonce: try ChaChaPoly.Nonce(data: nonce), authenticating: header)
                    datagram.writeBytes(box.ciphertext)
                    datagram.writeBytes(box.tag)
                case .aes256GCM:
                    let box = try AES.GCM.seal(
                        plaintext, using: key, nonce: try AES.GCM.Nonce(data: nonce), authenticating: header)
                    datagram.writeBytes(box.ciphertext)
                    datagram.writeBytes(box.tag)
                }
            }
        } catch {
            throw .cryptoFailure("\(error)")
        }
        self.counters.sealed += 1
        return datagram
    }

    /// The payload of a datagram from the other end; throws, and counts the reason, if it is truncated, of another
    /// tunnel or suite, forged or altered, or a replay.
    package mutating func open(_ datagram: ByteBuffer) throws(TunnelCryptoError) -> ByteBuffer {
        do {
            let payload = try self.authenticate(datagram)
            self.counters.opened += 1
            return payload
        } catch {
            self.counters.count(error)
            throw error
        }
    }

    private mutating func authenticate(_ datagram: ByteBuffer) throws(TunnelCryptoError) -> ByteBuffer {
        let length = datagram.readableBytes
        let start = datagram.readerIndex
        guard length >= Self.headerSize + self.suite.tagSize else { throw .truncated(length: length) }
        let suiteByte = datagram.getInteger(at: start, as: UInt8.self)!
        guard suiteByte == self.suite.rawValue else { throw .wrongSuite(suiteByte) }
        let id = datagram.getInteger(at: start + 1, endianness: .big, as: UInt64.self)!
        guard id == self.tunnelID else { throw .wrongTunnel(id) }
        let counter = datagram.getInteger(at: start + 9, endianness: .big, as: UInt64.self)!
        // The window is checked before the costly authentication and updated only after it succeeds, so a forged
        // datagram cannot move it (RFC 4303 §3.4.3).
        switch self.window.check(counter) {
        case .fresh: break
        case .replayed: throw .replayed(counter: counter)
        case .tooOld: throw .tooOld(counter: counter)
        }

        let payload: ByteBuffer
        switch self.suite {
        case .none:
            payload = datagram.getSlice(at: start + Self.headerSize, length: length - Self.headerSize)!
        case .chacha20Poly1305, .aes256GCM:
            let header = datagram.getBytes(at: start, length: Self.headerSize)!
            let ciphertextLength = length - Self.headerSize - 16
            let ciphertext = datagram.getBytes(at: start + Self.headerSize, length: ciphertextLength)!
            let tag = datagram.getBytes(at: start + Self.headerSize + ciphertextLength, length: 16)!
            let nonce = Self.nonce(counter)
            let plaintext: Data
            do {
                if self.suite == .chacha20Poly1305 {
                    let box = try ChaChaPoly.SealedBox(
                        nonce: try ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                    plaintext = try ChaChaPoly.open(box, using: SymmetricKey(data: self.receiveKey), authenticating: header)
                } else {
                    let box = try AES.GCM.SealedBox(
                        nonce: try AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                    plaintext = try AES.GCM.open(box, using: SymmetricKey(data: self.receiveKey), authenticating: header)
                }
            } catch {
                throw .authenticationFailed
            }
            var buffer = ByteBufferAllocator().buffer(capacity: plaintext.count)
            buffer.writeBytes(plaintext)
            payload = buffer
        }
        self.window.record(counter)
        return payload
    }

    /// Four zero bytes, then the counter big-endian: 96 bits.
    private static func nonce(_ counter: UInt64) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        for byte in 0..<8 { nonce[4 + byte] = UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64(byte))) }
        return nonce
    }

    private static func deriveKey(
        _ key: String,
        tunnelID: UInt64,
        direction: String,
        suite: TunnelCipherSuite
    ) -> [UInt8] {
        var salt = [UInt8](repeating: 0, count: 8)
        for byte in 0..<8 { salt[byte] = UInt8(truncatingIfNeeded: tunnelID >> (56 - 8 * UInt64(byte))) }
        let info = Array("gamenet tunnel v1 \(direction)".utf8) + [suite.rawValue]
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(key.utf8)), salt: salt, info: info, outputByteCount: 32)
        return derived.withUnsafeBytes { Array($0) }
    }
}
