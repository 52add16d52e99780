import GamenetCore
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

extension WebSocketTests {
    /// ``WebSocketHandler`` on an `EmbeddedChannel`: frames in and out below it, messages above it, virtual time for
    /// its timers.
    @Suite struct Handler {
        private static let peer = try! SocketAddress(ipAddress: "192.0.2.7", port: 40_000)

        private static func makeChannel(
            role: WebSocketConnection.Role = .server,
            below: [any ChannelHandler] = [],
            _ configure: (inout WebSocketConfiguration) -> Void = { _ in }
        ) throws -> EmbeddedChannel {
            var configuration = WebSocketConfiguration()
            configure(&configuration)
            let handler = WebSocketHandler(role: role, configuration: configuration, generator: SplitMix64(seed: 99))
            let channel = EmbeddedChannel(handlers: below + [handler])
            try channel.connect(to: Self.peer).wait()
            return channel
        }

        /// Closes the channel at the end of a test: the close handshake is left to time out, since no peer answers.
        /// (`EmbeddedChannel.finish()` would wait forever for the peer's close frame.)
        private static func closeByTimeout(_ channel: EmbeddedChannel) {
            let closed = channel.close()
            channel.embeddedEventLoop.advanceTime(by: .seconds(60))
            #expect(Self.isDone(closed))
            #expect(!channel.isActive)
        }

        /// Whether `future` has completed, successfully or not.
        private static func isDone(_ future: EventLoopFuture<Void>) -> Bool {
            var done = false
            future.whenComplete { _ in done = true }
            return done
        }

        @Test func wholeMessagesGoUp() throws {
            let channel = try Self.makeChannel()
            try channel.writeInbound(WSFrames.text("hello"))
            #expect(
                try channel.readInbound(as: WebSocketMessage.self)
                    == WebSocketMessage(isText: true, data: ByteBuffer(string: "hello"))
            )
            try channel.writeInbound(WSFrames.frame(.binary, [1, 2], fin: false))
            #expect(try channel.readInbound(as: WebSocketMessage.self) == nil)
            try channel.writeInbound(WSFrames.frame(.continuation, [3]))
            #expect(
                try channel.readInbound(as: WebSocketMessage.self)
                    == WebSocketMessage(isText: false, data: ByteBuffer(bytes: [1, 2, 3]))
            )
            #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
            Self.closeByTimeout(channel)
        }

        @Test func messagesGoDownAsFrames() throws {
            let channel = try Self.makeChannel()
            try channel.writeOutbound(WebSocketMessage(isText: true, data: ByteBuffer(string: "out")))
            let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(
                frame.opcode == .text && frame.fin && frame.maskKey == nil && frame.data == ByteBuffer(string: "out")
            )
            Self.closeByTimeout(channel)
        }

        @Test func aMessageReceiverTakesWholeMessagesInsteadOfTheNextHandler() throws {
            let channel = try Self.makeChannel()
            var received: [WebSocketMessage] = []
            try channel.pipeline.syncOperations.handler(type: WebSocketHandler.self).messageReceiver = {
                received.append($0)
            }
            try channel.writeInbound(WSFrames.text("hel", fin: false))
            try channel.writeInbound(WSFrames.frame(.continuation, Array("lo".utf8)))
            try channel.writeInbound(WSFrames.frame(.binary, [1, 2]))
            #expect(received == [
                WebSocketMessage(isText: true, data: ByteBuffer(string: "hello")),
                WebSocketMessage(isText: false, data: ByteBuffer(bytes: [1, 2])),
            ])
            #expect(try channel.readInbound(as: WebSocketMessage.self) == nil)
            // Control frames are still the handler's own.
            try channel.writeInbound(WSFrames.frame(.ping, [7]))
            let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(pong.opcode == .pong && pong.data == ByteBuffer(bytes: [7]))
            Self.closeByTimeout(channel)
        }

        @Test func anEchoingHandlerSendsEachMessageBackItself() throws {
            let channel = try Self.makeChannel { $0.echoesMessages = true }
            try channel.writeInbound(WSFrames.text("hello", fin: false))
            try channel.writeInbound(WSFrames.frame(.continuation, Array(" there".utf8)))
            try channel.writeInbound(WSFrames.frame(.binary, [7, 8]))
            #expect(try channel.readInbound(as: WebSocketMessage.self) == nil)
            let text = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(text.opcode == .text && text.fin && text.data == ByteBuffer(string: "hello there"))
            let binary = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(binary.opcode == .binary && binary.data == ByteBuffer(bytes: [7, 8]))
            Self.closeByTimeout(channel)
        }

        @Test func theSmallEchoesOfOneReadLeaveAsOneBufferAndAPongKeepsItsPlace() throws {
            let channel = try Self.makeChannel(
                below: [WebSocketFrameReader(maximumFrameSize: 1 << 20), WebSocketFrameWriter()]
            ) { $0.echoesMessages = true }
            func wire(_ opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
                WebSocketTests.FrameReader.wire(opcode: opcode, payload: payload)
            }
            // One read: two messages, a ping, one more message.
            let read = wire(0x2, [1]) + wire(0x1, Array("hi".utf8)) + wire(0x9, [9]) + wire(0x2, [3, 4])
            try channel.writeInbound(ByteBuffer(bytes: read))
            // Server frames: unmasked, FIN set.
            let firstTwo = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(Array(firstTwo.readableBytesView) == [0x82, 1, 1, 0x81, 2] + Array("hi".utf8))
            let pong = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(Array(pong.readableBytesView) == [0x8A, 1, 9])
            let last = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(Array(last.readableBytesView) == [0x82, 2, 3, 4])
            #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
            Self.closeByTimeout(channel)
        }

        @Test func aClientMasksEveryFrame() throws {
            let channel = try Self.makeChannel(role: .client)
            try channel.writeOutbound(WebSocketMessage(isText: false, data: ByteBuffer(bytes: [0, 0, 0, 0, 0])))
            // The frame carries its key and the plain payload; ``WebSocketFrameWriter`` masks it on the way out, as
            // NIO's own encoder would.
            let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(frame.maskKey != nil)
            #expect(frame.data == ByteBuffer(bytes: [0, 0, 0, 0, 0]))
            // A fresh key for every frame (§5.3).
            try channel.writeOutbound(WebSocketMessage(isText: false, data: ByteBuffer(bytes: [1])))
            let second = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(second.maskKey != nil && second.maskKey != frame.maskKey)
            // Its pong is masked as well, and carries the ping's payload.
            try channel.writeInbound(WSFrames.frame(.ping, [5, 6, 7], masked: false))
            let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(pong.opcode == .pong && pong.maskKey != nil && pong.data == ByteBuffer(bytes: [5, 6, 7]))
            Self.closeByTimeout(channel)
        }

        @Test func aPingIsAnsweredWithAPong() throws {
            let channel = try Self.makeChannel()
            try channel.writeInbound(WSFrames.frame(.ping, Array("payload".utf8)))
            let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(pong.opcode == .pong && pong.fin && pong.maskKey == nil)
            #expect(pong.data == ByteBuffer(string: "payload"))
            #expect(try channel.readInbound(as: WebSocketMessage.self) == nil)
            Self.closeByTimeout(channel)
        }

        @Test func closingFromAboveSends1000AndWaitsForThePeer() throws {
            let channel = try Self.makeChannel()
            let closed = channel.close()
            let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(frame.opcode == .connectionClose && WSFrames.closeCode(frame) == 1000)
            #expect(channel.isActive)
            #expect(!Self.isDone(closed))
            // No more messages go out once the close is sent.
            let write = channel.writeAndFlush(WebSocketMessage(isText: true, data: ByteBuffer(string: "late")))
            #expect(throws: ChannelError.outputClosed) { try write.wait() }

            try channel.writeInbound(WSFrames.close(code: 1000))
            #expect(!channel.isActive)
            #expect(Self.isDone(closed))
            #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
        }

        @Test func theCloseTimesOutWhenThePeerNeverAnswers() throws {
            let channel = try Self.makeChannel { $0.closeTimeout = .seconds(3) }
            let closed = channel.close()
            #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .connectionClose)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_999))
            #expect(channel.isActive)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
            #expect(!channel.isActive)
            #expect(Self.isDone(closed))
        }

        @Test func thePeersCloseIsEchoedThenTCPCloses() throws {
            let channel = try Self.makeChannel()
            try channel.writeInbound(WSFrames.close(code: 4001, reason: Array("bye".utf8)))
            let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(frame.opcode == .connectionClose && WSFrames.closeCode(frame) == 4001)
            #expect(!channel.isActive)
        }

        @Test func aProtocolErrorSends1002ThenCloses() throws {
            let channel = try Self.makeChannel()
            // A server must not accept an unmasked frame.
            try channel.writeInbound(WSFrames.text("unmasked", masked: false))
            let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(frame.opcode == .connectionClose && WSFrames.closeCode(frame) == 1002)
            #expect(!channel.isActive)
            #expect(try channel.readInbound(as: WebSocketMessage.self) == nil)
        }

        @Test(arguments: [
            (WebSocketFramingError.frameTooLarge(length: 1 << 30, maximum: 1 << 24), 1009 as UInt16),
            (.fragmentedControlFrame, 1002),
            (.controlFrameTooLong(126), 1002),
            (.nonMinimalLength(5), 1002),
            (.lengthTopBitSet, 1002),
        ])
        func framingErrorsCloseWithTheMatchingCode(error: WebSocketFramingError, code: UInt16) throws {
            let channel = try Self.makeChannel()
            channel.pipeline.fireErrorCaught(error)
            let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(frame.opcode == .connectionClose && WSFrames.closeCode(frame) == code)
            #expect(!channel.isActive)
        }

        @Test func aQuietPeerIsPingedAndDroppedIfItStaysQuiet() throws {
            let channel = try Self.makeChannel {
                $0.pingInterval = .seconds(5)
                $0.pingTimeout = .seconds(2)
            }
            channel.embeddedEventLoop.advanceTime(by: .seconds(4))
            #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .ping)
            channel.embeddedEventLoop.advanceTime(by: .seconds(2))
            #expect(!channel.isActive)
        }

        @Test func anAnsweredPingKeepsTheConnection() throws {
            let channel = try Self.makeChannel {
                $0.pingInterval = .seconds(5)
                $0.pingTimeout = .seconds(2)
            }
            channel.embeddedEventLoop.advanceTime(by: .seconds(5))
            let ping = try #require(try channel.readOutbound(as: WebSocketFrame.self))
            #expect(ping.opcode == .ping)
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try channel.writeInbound(WSFrames.frame(.pong, Array(ping.data.readableBytesView)))
            channel.embeddedEventLoop.advanceTime(by: .seconds(3))
            #expect(channel.isActive)
            #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
            // Quiet again for the interval since the pong: the next ping.
            channel.embeddedEventLoop.advanceTime(by: .seconds(2))
            #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .ping)
            Self.closeByTimeout(channel)
        }

        /// The peer's TCP stream ending without a close frame (a crashed client) ends the connection: a WebSocket
        /// has no half-close, and on a channel that allows one (`serve`) nothing else would close it.
        @Test func theEndOfThePeersStreamClosesTheConnection() throws {
            let channel = try Self.makeChannel()
            try channel.writeInbound(WSFrames.text("last words"))
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            #expect(!channel.isActive)
            #expect(try channel.readInbound(as: WebSocketMessage.self)?.data == ByteBuffer(string: "last words"))
            #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)

            // While our close waits for an answer that can no longer come, too.
            let closing = try Self.makeChannel()
            let closed = closing.close()
            #expect(try closing.readOutbound(as: WebSocketFrame.self)?.opcode == .connectionClose)
            closing.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            #expect(!closing.isActive)
            #expect(Self.isDone(closed))
        }

        /// The transport closing by itself (the peer dropped TCP) while our close waits for the peer's answer must
        /// complete the close that was asked for: `channel.close()` would otherwise never return, and a debug build
        /// traps on the promise left unfulfilled.
        @Test func aCloseInProgressCompletesWhenTheConnectionDrops() throws {
            let transport = TransportHandle()
            let channel = try Self.makeChannel(below: [transport])
            let closed = channel.close()
            #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .connectionClose)
            #expect(!Self.isDone(closed))
            transport.drop()
            #expect(!channel.isActive)
            #expect(Self.isDone(closed))
        }
    }
}

/// Stands for the socket below the WebSocket handler: `drop()` closes the channel from underneath, as NIO does when
/// the peer resets or closes the TCP connection, without passing through the handlers above.
private final class TransportHandle: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func drop() {
        self.context?.close(promise: nil)
    }
}

@available(*, unavailable)
extension TransportHandle: Sendable {}
