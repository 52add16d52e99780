import GamenetCore
import NIOCore
import Testing

/// The tunnel's layers below KCP: kcptun's datagram (nonce, CRC, AES-CFB around kcp-go's FEC shard) byte for byte,
/// plain KCP accepted from a kcp-go peer without an FEC header, and a data shard lost and rebuilt from parity.
@Suite struct TunnelDatagramCodecTests {
    static let start = NIODeadline.uptimeNanoseconds(5_000_000_000)
    /// A KCP PUSH of "hello", conv 0x11223344, wnd 512, ts 1000.
    static let kcp = try! kcpHex("4433221151000002e803000000000000000000000500000068656c6c6f")

    static func kcptunCodec(_ method: KCPCrypt.Method, fec: Bool = true) throws -> TunnelDatagramCodec {
        try TunnelDatagramCodec(
            cipher: .kcptun(try KCPCrypt(method: method)),
            fec: fec ? FECConfiguration(dataShards: 10, parityShards: 3, layout: .kcp, maxPayloadSize: 1322) : nil
        )
    }

    @Test func kcptunDatagramMatchesTheVector() throws {
        // The vector of TunnelCryptoTests: seqid 0, flag 0xF1, size 31, nonce 00..0f.
        var codec = try Self.kcptunCodec(.aes)
        #expect(codec.overhead == 28)
        var nonce = TunnelCryptoTests.nonceWords
        var output: [ByteBuffer] = []
        codec.encode(ByteBuffer(bytes: Self.kcp), now: Self.start, using: &nonce, into: &output)
        #expect(output.count == 1)
        #expect(
            hex(output[0].readableBytesView)
                == "86834343335b168ca911bf584a05f99043457d5938973c8ff7af0c12193229671efb5f5911a21e982f00bea174ed3aa38c08aa27abcbbeb4d8"
        )
        var peer = try Self.kcptunCodec(.aes)
        var delivered: [ByteBuffer] = []
        peer.decode(output[0], now: Self.start, into: &delivered)
        #expect(delivered == [ByteBuffer(bytes: Self.kcp)])
    }

    @Test func plainKCPWithoutAnFECHeaderIsAccepted() throws {
        var sender = try Self.kcptunCodec(.none, fec: false)
        var receiver = try Self.kcptunCodec(.none, fec: true)
        var generator = SplitMix64(seed: 3)
        var output: [ByteBuffer] = []
        sender.encode(ByteBuffer(bytes: Self.kcp), now: Self.start, using: &generator, into: &output)
        var delivered: [ByteBuffer] = []
        receiver.decode(output[0], now: Self.start, into: &delivered)
        #expect(delivered == [ByteBuffer(bytes: Self.kcp)])
    }

    @Test func lostDataShardIsRebuiltFromParity() throws {
        var sender = try Self.kcptunCodec(.aes128)
        var receiver = try Self.kcptunCodec(.aes128)
        var generator = SplitMix64(seed: 4)
        var output: [ByteBuffer] = []
        var payloads: [ByteBuffer] = []
        for index in 0..<10 {
            var payload = ByteBuffer(bytes: Self.kcp)
            payload.writeRepeatingByte(UInt8(index), count: index * 7)
            payloads.append(payload)
            sender.encode(payload, now: Self.start, using: &generator, into: &output)
        }
        #expect(output.count == 13)
        var delivered: [ByteBuffer] = []
        for (index, datagram) in output.enumerated() where index != 4 {
            receiver.decode(datagram, now: Self.start, into: &delivered)
        }
        #expect(Set(delivered) == Set(payloads))
        #expect(receiver.decoder?.counters.recoveredShards == 1)
    }

    @Test func nativeCodecRefusesAnotherKeyAndCountsIt() throws {
        let fec = FECConfiguration(dataShards: 4, parityShards: 2, layout: .native, maxPayloadSize: 1300)
        var client = try TunnelDatagramCodec(
            cipher: .native(TunnelCrypto(suite: .chacha20Poly1305, key: "a", tunnelID: 9, role: .client)),
            fec: fec
        )
        var server = try TunnelDatagramCodec(
            cipher: .native(TunnelCrypto(suite: .chacha20Poly1305, key: "a", tunnelID: 9, role: .server)),
            fec: fec
        )
        var stranger = try TunnelDatagramCodec(
            cipher: .native(TunnelCrypto(suite: .chacha20Poly1305, key: "b", tunnelID: 9, role: .server)),
            fec: fec
        )
        var generator = SplitMix64(seed: 5)
        var output: [ByteBuffer] = []
        client.encode(ByteBuffer(bytes: Self.kcp), now: Self.start, using: &generator, into: &output)
        // The group is closed by the flush timeout: its parity follows.
        #expect(client.nextDeadline == Self.start + .milliseconds(8))
        client.flush(now: Self.start + .milliseconds(8), using: &generator, into: &output)
        #expect(output.count == 3)
        var delivered: [ByteBuffer] = []
        server.decode(output[1], now: Self.start, into: &delivered)
        #expect(delivered == [ByteBuffer(bytes: Self.kcp)])
        var nothing: [ByteBuffer] = []
        stranger.decode(output[0], now: Self.start, into: &nothing)
        #expect(nothing.isEmpty && stranger.cryptoFailures == 1)
    }

    /// A 60 Hz flow, each packet alone in its group (the 8 ms flush closes it), at 10% independent loss: with three
    /// parity shards per packet a packet is lost only when all four datagrams are.
    @Test func sixtyHertzGroupsSurviveTenPercentLoss() throws {
        let fec = FECConfiguration(dataShards: 10, parityShards: 3, layout: .native, maxPayloadSize: 1300)
        let crypto = TunnelCrypto(suite: .chacha20Poly1305, key: "k", tunnelID: 1, role: .client)
        var sender = try TunnelDatagramCodec(cipher: .native(crypto), fec: fec)
        var receiver = try TunnelDatagramCodec(
            cipher: .native(TunnelCrypto(suite: .chacha20Poly1305, key: "k", tunnelID: 1, role: .server)),
            fec: fec
        )
        var generator = SplitMix64(seed: 6)
        var loss = SplitMix64(seed: 7)
        var delivered: [ByteBuffer] = []
        var now = Self.start
        for sequence in 0..<2000 {
            var output: [ByteBuffer] = []
            var payload = ByteBuffer()
            payload.writeInteger(UInt32(sequence))
            payload.writeRepeatingByte(0x47, count: 96)
            sender.encode(payload, now: now, using: &generator, into: &output)
            // Packets 1 to 16 ms apart: some groups close with one packet, some with two or three.
            let gap = TimeAmount.milliseconds(Int64(1 + generator.next() % 16))
            if let deadline = sender.nextDeadline, deadline <= now + gap {
                sender.flush(now: deadline, using: &generator, into: &output)
            }
            now = now + gap
            for datagram in output where loss.next() % 10 != 0 {
                receiver.decode(datagram, now: now, into: &delivered)
            }
        }
        let sequences = Set(delivered.map { $0.getInteger(at: $0.readerIndex, as: UInt32.self)! })
        #expect(sequences.count >= 1998)
    }
}
