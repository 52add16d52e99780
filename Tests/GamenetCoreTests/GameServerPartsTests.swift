import GamenetCore
import NIOCore
import Testing

/// The parts the game server is built from: the timer heap, the replay buffer, the rate limiter, the histogram.
@Suite struct GameServerPartsTests {
    @Test func deadlineQueueFiresInDeadlineOrderThenInsertionOrder() {
        var queue = DeadlineQueue<String>()
        var random = SplitMix64(seed: 5)
        var inserted: [(Int64, Int, String)] = []
        for index in 0..<500 {
            let at = Int64.random(in: 0..<50, using: &random)
            queue.insert("\(index)", at: .uptimeNanoseconds(UInt64(at)))
            inserted.append((at, index, "\(index)"))
        }
        #expect(queue.earliest == .uptimeNanoseconds(UInt64(inserted.map(\.0).min()!)))
        #expect(queue.popDue(now: .uptimeNanoseconds(0)) == inserted.first { $0.0 == 0 }?.2)
        var fired: [String] = inserted.first { $0.0 == 0 }.map { [$0.2] } ?? []
        while let value = queue.popDue(now: .uptimeNanoseconds(100)) { fired.append(value) }
        #expect(fired == inserted.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2))
        #expect(queue.isEmpty)
    }

    @Test func replayBufferBoundsAndAnswers() throws {
        var buffer = ReplayBuffer(limit: 3, byteLimit: 1_000)
        let message = try EncodedGameMessage(.ping(.init(timestamp: 0)), channel: .reliable)
        for sequence in 1...5 as ClosedRange<UInt64> { buffer.append(message, sequence: sequence) }
        #expect(buffer.count == 3)
        #expect(buffer.evictedThrough == 2)
        #expect(try buffer.messages(after: 2).get().map(\.sequence) == [3, 4, 5])
        #expect(try buffer.messages(after: 5).get().isEmpty)
        #expect(buffer.messages(after: 1) == .failure(.overflow))
        #expect(buffer.messages(after: 6) == .failure(.sequenceAhead))
        // The byte bound: each message is 9 bytes.
        var small = ReplayBuffer(limit: 100, byteLimit: 20)
        for sequence in 1...4 as ClosedRange<UInt64> { small.append(message, sequence: sequence) }
        #expect(small.count == 2)
        #expect(small.byteCount == 18)
    }

    @Test func rateLimiterRefillsWithTime() {
        let start = NIODeadline.uptimeNanoseconds(0)
        var limiter = MessageRateLimiter(messagesPerSecond: 4, grace: 2, now: start)
        var decisions = (0..<8).map { _ in limiter.admit(now: start) }
        #expect(decisions == [.accept, .accept, .accept, .accept, .dropAndWarn, .drop, .drop, .disconnect])
        limiter = MessageRateLimiter(messagesPerSecond: 4, grace: 2, now: start)
        decisions = (0..<4).map { _ in limiter.admit(now: start) }
        // A quarter second buys one message.
        #expect(limiter.admit(now: start + .milliseconds(250)) == .accept)
        #expect(limiter.admit(now: start + .milliseconds(250)) == .dropAndWarn)
        #expect(limiter.admit(now: start + .milliseconds(500)) == .accept)
    }

    @Test func roundTripHistogramBuckets() {
        var histogram = RoundTripHistogram()
        for milliseconds in [0, 1, 3, 40, 40, 9_000] as [Int64] { histogram.record(.milliseconds(milliseconds)) }
        #expect(histogram.sampleCount == 6)
        #expect(histogram.counts[0] == 2)  // ≤ 1 ms
        #expect(histogram.counts[2] == 1)  // ≤ 5 ms
        #expect(histogram.counts[5] == 2)  // ≤ 50 ms
        #expect(histogram.counts.last == 1)  // > 5 s
        #expect(histogram.cumulativeCounts.last == 6)
        #expect(histogram.sum == .milliseconds(9_084))
    }

    @Test func resumeMayChangeTheEncoding() throws {
        var harness = GameServerHarness()
        let alice = harness.connectAndJoin("lobby")
        let bob = harness.connectAndJoin("lobby")
        let last = harness.take(alice.connection).compactMap(\.sequence).last!
        harness.close(alice.connection)
        harness.send(bob.broadcast("while away"), from: bob)
        // Alice comes back from a browser, in JSON.
        let connection = harness.open()
        harness.send(
            .clientHello(
                .init(
                    versions: [1],
                    resume: .init(sessionID: alice.sessionID, key: alice.key, lastReceivedSequence: last)
                )
            ),
            on: connection,
            encoding: .json
        )
        let frames = harness.take(connection)
        #expect(frames.count == 2)
        let replayed = try GameJSONCodec.decode(frames[1].serialized())
        #expect(replayed.sequence == last + 1)
        #expect(replayed.message.roomPayloadText == "while away")
        #expect(frames.allSatisfy { $0.encoding == .json })
    }
}

/// The bytes a frame is written as on each kind of connection.
@Suite struct OutboundFrameWireTests {
    private static func roomMessage(payloadSize: Int) throws -> EncodedGameMessage {
        let message = GameMessage.roomMessage(
            .init(
                namespace: "/",
                room: "lobby",
                senderID: 42,
                senderName: "alice",
                payload: GamePayload(bytes: Array(repeating: UInt8(ascii: "x"), count: payloadSize))
            )
        )
        return try EncodedGameMessage(message, channel: .reliable)
    }

    @Test(arguments: [0, 100, 300, 70_000])
    func eachFramingWrapsTheMessageBytes(payloadSize: Int) throws {
        let encoded = try Self.roomMessage(payloadSize: payloadSize)
        for encoding in [GameEncoding.binary, .json] {
            for sequence in [nil, 1, 9, 10, 12_345_678_901] as [UInt64?] {
                let frame = OutboundFrame(sequence: sequence, encoded: encoded, encoding: encoding)
                let message = frame.serialized()
                #expect(frame.byteCount == message.readableBytes)

                var stream = ByteBuffer()
                frame.write(into: &stream, framing: .stream)
                #expect(stream.readableBytes == frame.wireSize(framing: .stream))
                #expect(stream.readInteger(as: UInt32.self) == UInt32(message.readableBytes))
                #expect(stream == message)

                var webSocket = ByteBuffer()
                frame.write(into: &webSocket, framing: .webSocket)
                #expect(webSocket.readableBytes == frame.wireSize(framing: .webSocket))
                // RFC 6455 §5.2: FIN and the opcode, then an unmasked length in its shortest form.
                #expect(webSocket.readInteger(as: UInt8.self) == (encoding == .json ? 0x81 : 0x82))
                let length: Int
                switch webSocket.readInteger(as: UInt8.self)! {
                case 126: length = Int(webSocket.readInteger(as: UInt16.self)!)
                case 127: length = Int(webSocket.readInteger(as: UInt64.self)!)
                case let short:
                    #expect(short < 126)
                    length = Int(short)
                }
                #expect(length == message.readableBytes)
                #expect(length > 125 || webSocket.readableBytes <= 125)
                #expect(length > 65_535 || webSocket.readableBytes <= 65_535)
                #expect(webSocket == message)

                if encoding == .json {
                    let decoded = try GameJSONCodec.decode(message)
                    #expect(decoded.sequence == sequence)
                    #expect(decoded.message == encoded.message)
                }
            }
        }
    }
}
