import GamenetCore
import NIOCore
import NIOEmbedded
import Testing

/// The echo server's stream and datagram handlers, the idle timeout, and the datagram-to-payload adapter.
@Suite struct EchoHandlerTests {
    private static let peer = try! SocketAddress(ipAddress: "192.0.2.7", port: 40_000)
    private static let otherPeer = try! SocketAddress(ipAddress: "2001:db8::1", port: 40_001)

    // MARK: - StreamEchoHandler

    @Test func streamEchoWritesBackTheSameBytes() throws {
        let channel = EmbeddedChannel(handler: StreamEchoHandler())
        try channel.connect(to: Self.peer).wait()
        try channel.writeInbound(ByteBuffer(string: "hello"))
        try channel.writeInbound(ByteBuffer(string: ", world"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "hello"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: ", world"))
        // Echoed data is consumed, not passed on.
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func streamEchoFlushesOncePerBatch() throws {
        let channel = EmbeddedChannel(handler: StreamEchoHandler())
        try channel.connect(to: Self.peer).wait()
        channel.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "a")))
        channel.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "b")))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.pipeline.syncOperations.fireChannelReadComplete()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "a"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "b"))
        #expect(try channel.finish().isClean)
    }

    @Test func streamEchoStopsReadingWhileUnwritable() throws {
        let recorder = OutboundEventRecorder()
        let channel = EmbeddedChannel(handlers: [recorder, StreamEchoHandler()])
        try channel.connect(to: Self.peer).wait()
        channel.read()
        #expect(recorder.reads == 1)

        channel.isWritable = false
        channel.read()
        #expect(recorder.reads == 1)
        channel.pipeline.syncOperations.fireChannelWritabilityChanged()
        #expect(recorder.reads == 1)

        channel.isWritable = true
        channel.pipeline.syncOperations.fireChannelWritabilityChanged()
        #expect(recorder.reads == 2)
        // The held read is released once only.
        channel.pipeline.syncOperations.fireChannelWritabilityChanged()
        #expect(recorder.reads == 2)
        #expect(try channel.finish().isClean)
    }

    @Test func streamEchoClosesAfterPendingWritesWhenInputEnds() throws {
        let recorder = OutboundEventRecorder()
        let channel = EmbeddedChannel(handlers: [recorder, StreamEchoHandler()])
        try channel.connect(to: Self.peer).wait()
        channel.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "bye")))
        channel.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        // The echo, then the empty barrier that flushes it, then the close.
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "bye"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer())
        #expect(recorder.closeModes == [.all])
        #expect(!channel.isActive)
        #expect(try channel.finish(acceptAlreadyClosed: true).isClean)
    }

    @Test func streamEchoClosesOnError() throws {
        struct Boom: Error, Equatable {}
        let channel = EmbeddedChannel(handler: StreamEchoHandler())
        try channel.connect(to: Self.peer).wait()
        channel.pipeline.syncOperations.fireErrorCaught(Boom())
        #expect(throws: Boom()) { try channel.throwIfErrorCaught() }
        #expect(!channel.isActive)
        #expect(try channel.finish(acceptAlreadyClosed: true).isClean)
    }

    // MARK: - IdleTimeoutHandler

    @Test func idleTimeoutClosesAfterTheTimeoutAndNotBefore() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: IdleTimeoutHandler(timeout: .seconds(5)), loop: loop)
        try channel.connect(to: Self.peer).wait()
        loop.advanceTime(by: .milliseconds(4999))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(try channel.finish(acceptAlreadyClosed: true).isClean)
    }

    @Test func idleTimeoutIsPostponedByAReadAndPassesItOn() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: IdleTimeoutHandler(timeout: .seconds(5)), loop: loop)
        try channel.connect(to: Self.peer).wait()
        loop.advanceTime(by: .seconds(3))
        try channel.writeInbound(ByteBuffer(string: "still here"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "still here"))

        // The first deadline (5s) passes; the read at 3s moved it to 8s.
        loop.advanceTime(by: .seconds(2))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(2999))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(try channel.finish(acceptAlreadyClosed: true).isClean)
    }

    @Test func idleTimeoutWaitsForTheChannelToBecomeActive() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: IdleTimeoutHandler(timeout: .seconds(1)), loop: loop)
        loop.advanceTime(by: .seconds(10))
        try channel.connect(to: Self.peer).wait()
        loop.advanceTime(by: .milliseconds(999))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(try channel.finish(acceptAlreadyClosed: true).isClean)
    }

    @Test func idleTimeoutArmsWhenAddedToAnActiveChannel() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: Self.peer).wait()
        loop.advanceTime(by: .seconds(10))
        try channel.pipeline.syncOperations.addHandler(IdleTimeoutHandler(timeout: .seconds(1)))
        loop.advanceTime(by: .milliseconds(999))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(try channel.finish(acceptAlreadyClosed: true).isClean)
    }

    // MARK: - DatagramPayloadHandler

    @Test func datagramPayloadHandlerPassesOnThePayload() throws {
        let channel = EmbeddedChannel(handler: DatagramPayloadHandler())
        try channel.writeInbound(AddressedEnvelope(remoteAddress: Self.peer, data: ByteBuffer(string: "payload")))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "payload"))
        // Writes pass through untouched.
        try channel.writeOutbound(ByteBuffer(string: "reply"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "reply"))
        #expect(try channel.finish().isClean)
    }
}
