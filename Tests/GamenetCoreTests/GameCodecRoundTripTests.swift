import GamenetCore
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

/// Random messages of every type survive both forms unchanged, from a seeded generator so a failure replays.
@Suite struct GameCodecRoundTripTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func binaryRoundTrips(seed: UInt64) throws {
        var random = RandomGameMessages(seed: seed)
        for _ in 0..<2_000 {
            let message = random.message()
            let frame: GameFrame
            switch random.integer(UInt8.self) % 3 {
            case 0: frame = .message(message)
            case 1: frame = .sequenced(random.integer(), message)
            default: frame = .datagram(.init(sessionID: random.sessionID(), key: random.key()), message)
            }
            let bytes = try GameCodec.encode(frame)
            #expect(try GameCodec.decode(bytes, maximumMessageSize: .max) == frame)
        }
    }

    @Test(arguments: [5, 6] as [UInt64])
    func jsonRoundTrips(seed: UInt64) throws {
        var random = RandomGameMessages(seed: seed)
        for _ in 0..<1_000 {
            let message = random.message()
            let sequence: UInt64? = Bool.random(using: &random.generator) ? random.sessionID() : nil
            let text = try GameJSONCodec.encode(message, sequence: sequence)
            let decoded = try GameJSONCodec.decode(text)
            #expect(decoded.message == message)
            #expect(decoded.sequence == sequence)
        }
    }

    @Test func streamSplitterTakesMessagesInAnyChunking() throws {
        var random = RandomGameMessages(seed: 9)
        var stream = ByteBuffer()
        var messages: [GameMessage] = []
        for _ in 0..<200 {
            let message = random.message()
            messages.append(message)
            var frame = try GameCodec.encodeForStream(.message(message))
            stream.writeBuffer(&frame)
        }
        var pending = ByteBuffer()
        var decoded: [GameMessage] = []
        while stream.readableBytes > 0 {
            var chunk = stream.readSlice(
                length: min(stream.readableBytes, Int.random(in: 1...50, using: &random.generator))
            )!
            pending.writeBuffer(&chunk)
            while let message = try GameCodec.nextStreamMessage(from: &pending, maximumMessageSize: 65_536) {
                decoded.append(try GameFrame(decoding: message).message)
            }
        }
        #expect(decoded == messages)
        #expect(pending.readableBytes == 0)
    }

    @Test func streamFrameDecoderInAPipeline() throws {
        let messages: [GameMessage] = Array(exampleMessages.prefix(6))
        let pairs = try messages.map { message in
            let frame = try GameCodec.encodeForStream(.message(message))
            return (frame, [try GameCodec.encode(.message(message))])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            GameStreamFrameDecoder(maximumMessageSize: 1_024)
        }
    }

    @Test func sessionKeysCompareInConstantTimeAndPrintNoSecret() {
        var generator = SplitMix64(seed: 3)
        let key = SessionKey.random(using: &generator)
        #expect(key.matchesInConstantTime(key))
        #expect(!key.matchesInConstantTime(SessionKey(high: key.high, low: key.low ^ 1)))
        #expect(!key.matchesInConstantTime(SessionKey(high: key.high ^ (1 << 63), low: key.low)))
        #expect(SessionKey(hexString: key.hexString) == key)
        #expect(SessionKey(hexString: "00") == nil)
        #expect(SessionKey(hexString: String(repeating: "g", count: 32)) == nil)
        #expect(!"\(key)".contains(key.hexString))
    }

    @Test func versionNegotiationFollowsTheClientsPreference() throws {
        #expect(try GameProtocolVersion.negotiate(offered: [3, 1], supported: [1, 3]) == 3)
        #expect(try GameProtocolVersion.negotiate(offered: [2, 1]) == 1)
        #expect(throws: GameProtocolError.unsupportedVersion(offered: [2, 3])) {
            try GameProtocolVersion.negotiate(offered: [2, 3])
        }
    }
}
