import GamenetCore
import NIOCore
import Testing

/// The tunnel's crypto: kcptun's key derivation and AES-CFB datagrams byte for byte (expected values computed with
/// Python's hashlib and the `cryptography` package), and the native AEAD's refusal of forged, truncated and replayed
/// datagrams.
@Suite struct TunnelCryptoTests {
    /// A generator that returns the given words, for a chosen nonce.
    struct FixedWords: RandomNumberGenerator {
        var words: [UInt64]
        mutating func next() -> UInt64 { self.words.removeFirst() }
    }

    /// The kcp-go datagram of the vector: a 10+3 FEC data shard (seqid 0, size 31) holding a KCP PUSH of "hello".
    static let kcpPayload = try! kcpHex("00000000f1001f004433221151000002e803000000000000000000000500000068656c6c6f")
    /// Nonce bytes 00..0f, as two little-endian words.
    static var nonceWords: FixedWords { FixedWords(words: [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]) }

    @Test func crc32MatchesIEEE() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Self.kcpPayload) == 0x9000_485D)
    }

    /// hashlib.pbkdf2_hmac('sha1', b"it's a secrect", b'kcp-go', 4096, 32)
    @Test func kcptunDefaultKeyDerivation() throws {
        #expect(hex(try KCPCrypt.deriveKey(password: KCPCrypt.defaultKey))
            == "25d7d7bd51050742d8d791f2b653c6c8b2366b7e25a124cf7a2e12eaf4ffa444")
    }

    /// cryptography's AES(key) in CFB(kcp-go's IV) over nonce + CRC + payload.
    @Test(arguments: [
        (KCPCrypt.Method.aes, "86834343335b168ca911bf584a05f99043457d5938973c8ff7af0c12193229671efb5f5911a21e982f00bea174ed3aa38c08aa27abcbbeb4d8"),
        (.aes128, "ddd7e0a7981ba3e2a7f6d51f2a2663180868fac7ea18c8d33f44f44010b267ad1e7e4a0b79e50c6d7392ae0d0d55c75517ccb9390e88945875"),
        (.none, "000102030405060708090a0b0c0d0e0f5d48009000000000f1001f004433221151000002e803000000000000000000000500000068656c6c6f"),
    ])
    func kcptunDatagramsMatchByteForByte(method: KCPCrypt.Method, expected: String) throws {
        var crypt = try KCPCrypt(method: method)
        var nonce = Self.nonceWords
        let sealed = try crypt.seal(ByteBuffer(bytes: Self.kcpPayload), using: &nonce)
        #expect(hex(sealed.readableBytesView) == expected)
        var peer = try KCPCrypt(method: method)
        #expect(try peer.open(sealed) == ByteBuffer(bytes: Self.kcpPayload))
        #expect(peer.counters.opened == 1)
    }

    @Test func kcptunNullMethodHasNoHeader() throws {
        var crypt = try KCPCrypt(method: .null)
        var generator = SplitMix64(seed: 1)
        let sealed = try crypt.seal(ByteBuffer(bytes: Self.kcpPayload), using: &generator)
        #expect(sealed == ByteBuffer(bytes: Self.kcpPayload))
        #expect(KCPCrypt.method(named: "aes-128") == .aes128)
        #expect(KCPCrypt.method(named: "salsa20") == nil)
    }

    @Test func kcptunDatagramsWithABadChecksumOrTooShortAreRefused() throws {
        var crypt = try KCPCrypt(method: .aes)
        var generator = SplitMix64(seed: 2)
        var sealed = try crypt.seal(ByteBuffer(bytes: Self.kcpPayload), using: &generator)
        sealed.setInteger(sealed.getInteger(at: 30, as: UInt8.self)! ^ 0x40, at: 30)
        #expect(throws: TunnelCryptoError.badChecksum) { try crypt.open(sealed) }
        #expect(throws: TunnelCryptoError.truncated(length: 19)) { try crypt.open(ByteBuffer(repeating: 0, count: 19)) }
        var wrongKey = try KCPCrypt(method: .aes, password: "another key")
        let fromOther = try wrongKey.seal(ByteBuffer(bytes: Self.kcpPayload), using: &generator)
        #expect(throws: TunnelCryptoError.badChecksum) { try crypt.open(fromOther) }
        #expect(crypt.counters.badChecksum == 2)
        #expect(crypt.counters.truncated == 1)
    }

    /// A long datagram (many CFB blocks and a partial last one) round-trips.
    @Test func kcptunLongDatagramRoundTrips() throws {
        var generator = SplitMix64(seed: 3)
        let payload = ByteBuffer(bytes: generator.bytes(1331))
        var crypt = try KCPCrypt(method: .aes)
        let sealed = try crypt.seal(payload, using: &generator)
        #expect(sealed.readableBytes == 1351)
        #expect(try crypt.open(sealed) == payload)
    }

    // MARK: - Native AEAD

    static func pair(_ suite: TunnelCipherSuite, key: String = "correct horse battery staple") -> (TunnelCrypto, TunnelCrypto) {
        (
            TunnelCrypto(suite: suite, key: key, tunnelID: 0x0123_4567_89AB_CDEF, role: .client),
            TunnelCrypto(suite: suite, key: key, tunnelID: 0x0123_4567_89AB_CDEF, role: .server)
        )
    }

    @Test(arguments: TunnelCipherSuite.allCases)
    func sealedDatagramsOpenAtTheOtherEndOnly(suite: TunnelCipherSuite) throws {
        var (client, server) = Self.pair(suite)
        let payload = ByteBuffer(string: "player 7 moved to (10, 20)")
        let sealed = try client.seal(payload)
        #expect(sealed.readableBytes == TunnelCrypto.headerSize + payload.readableBytes + suite.tagSize)
        #expect(sealed.getBytes(at: 0, length: 17) == [suite.rawValue, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try server.open(sealed) == payload)
        let reply = try server.seal(payload)
        #expect(try client.open(reply) == payload)
        if suite != .none {
            // A datagram is not accepted back by its own sender: each direction has its own key.
            var sender = Self.pair(suite).0
            let own = try sender.seal(payload)
            #expect(throws: TunnelCryptoError.authenticationFailed) { try sender.open(own) }
            #expect(sealed.getSlice(at: 17, length: payload.readableBytes) != payload)
        }
    }

    @Test(arguments: [TunnelCipherSuite.chacha20Poly1305, .aes256GCM])
    func forgedDatagramsAreRefused(suite: TunnelCipherSuite) throws {
        var (client, server) = Self.pair(suite)
        let sealed = try client.seal(ByteBuffer(string: "state update"))
        // Every single-bit flip, in the header, the ciphertext or the tag, is refused.
        for bit in 0..<(sealed.readableBytes * 8) {
            var forged = sealed
            let offset = bit / 8
            forged.setInteger(forged.getInteger(at: offset, as: UInt8.self)! ^ (1 << UInt8(bit % 8)), at: offset)
            #expect(throws: (any Error).self) { try server.open(forged) }
        }
        #expect(server.counters.forged > 0)
        #expect(server.counters.wrongSuite + server.counters.wrongTunnel + server.counters.forged == sealed.readableBytes * 8)
        // Another key.
        var (stranger, _) = Self.pair(suite, key: "another key")
        #expect(throws: TunnelCryptoError.authenticationFailed) { try server.open(try stranger.seal(ByteBuffer(string: "x"))) }
        // The original still opens: refusals did not move the replay window.
        #expect(try server.open(sealed) == ByteBuffer(string: "state update"))
    }

    @Test func truncatedDatagramsAreRefused() throws {
        var (client, server) = Self.pair(.chacha20Poly1305)
        let sealed = try client.seal(ByteBuffer(string: "hello"))
        for length in 0..<sealed.readableBytes {
            let cut = sealed.getSlice(at: 0, length: length)!
            #expect(throws: (any Error).self) { try server.open(cut) }
        }
        #expect(server.counters.truncated == 33)
        #expect(server.counters.forged == sealed.readableBytes - 33)
    }

    @Test func replayedDatagramsAreRefused() throws {
        var (client, server) = Self.pair(.aes256GCM)
        var sealed: [ByteBuffer] = []
        for number in 0..<3000 { sealed.append(try client.seal(ByteBuffer(string: "\(number)"))) }
        // Out of order within the window: accepted once, then refused.
        for index in [5, 3, 4, 0, 1, 2] { _ = try server.open(sealed[index]) }
        for index in [5, 3, 0] {
            #expect(throws: TunnelCryptoError.replayed(counter: UInt64(index))) { try server.open(sealed[index]) }
        }
        _ = try server.open(sealed[2999])
        // Counter 1000 is 1999 behind 2999: beyond the 1984-counter window.
        #expect(throws: TunnelCryptoError.tooOld(counter: 1000)) { try server.open(sealed[1000]) }
        _ = try server.open(sealed[1100])
        #expect(throws: TunnelCryptoError.replayed(counter: 1100)) { try server.open(sealed[1100]) }
        #expect(server.counters.replayed == 4)
        #expect(server.counters.tooOld == 1)
        #expect(server.counters.opened == 8)
    }

    @Test func wrongTunnelAndSuiteAreRefused() throws {
        var client = TunnelCrypto(suite: .chacha20Poly1305, key: "k", tunnelID: 1, role: .client)
        var server = TunnelCrypto(suite: .chacha20Poly1305, key: "k", tunnelID: 2, role: .server)
        let sealed = try client.seal(ByteBuffer(string: "x"))
        #expect(throws: TunnelCryptoError.wrongTunnel(1)) { try server.open(sealed) }
        #expect(TunnelCrypto.peekTunnelID(sealed)?.tunnelID == 1)
        var aes = TunnelCrypto(suite: .aes256GCM, key: "k", tunnelID: 1, role: .server)
        #expect(throws: TunnelCryptoError.wrongSuite(1)) { try aes.open(sealed) }
    }

    /// Counters, and so nonces, never repeat: 10,000 datagrams carry 10,000 distinct counters in order.
    @Test func noncesNeverRepeat() throws {
        var (client, _) = Self.pair(.chacha20Poly1305)
        var seen = Set<UInt64>()
        for number in 0..<10_000 {
            let sealed = try client.seal(ByteBuffer(string: "\(number)"))
            let counter = sealed.getInteger(at: 9, endianness: .big, as: UInt64.self)!
            #expect(counter == UInt64(number))
            seen.insert(counter)
        }
        #expect(seen.count == 10_000)
        #expect(client.nextSendCounter == 10_000)
        // Two tunnels with one key but different ids seal the same payload differently.
        var other = TunnelCrypto(suite: .chacha20Poly1305, key: "correct horse battery staple", tunnelID: 9, role: .client)
        var first = Self.pair(.chacha20Poly1305).0
        #expect(try other.seal(ByteBuffer(string: "a")).getSlice(at: 17, length: 17) != (try first.seal(ByteBuffer(string: "a"))).getSlice(at: 17, length: 17))
    }

    @Test func replayWindowEdges() {
        var window = ReplayWindow()
        #expect(window.check(0) == .fresh)
        window.record(0)
        #expect(window.check(0) == .replayed)
        window.record(ReplayWindow.windowSize)
        #expect(window.check(0) == .tooOld)
        #expect(window.check(1) == .fresh)
        // A jump far ahead clears the whole ring.
        window.record(1_000_000)
        #expect(window.check(1_000_000 - 1) == .fresh)
        #expect(window.check(1_000_000) == .replayed)
        #expect(window.check(1_000_000 - ReplayWindow.windowSize) == .tooOld)
    }

    @Test func suiteNames() {
        #expect(TunnelCipherSuite(name: "chacha20-poly1305") == .chacha20Poly1305)
        #expect(TunnelCipherSuite(name: "aes-256-gcm") == .aes256GCM)
        #expect(TunnelCipherSuite(name: "none") == TunnelCipherSuite.none)
        #expect(TunnelCipherSuite(name: "rot13") == nil)
    }
}
