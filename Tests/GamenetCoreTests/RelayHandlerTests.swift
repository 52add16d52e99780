import GamenetCore
import NIOCore
import NIOEmbedded
import Testing

/// Two `EmbeddedChannel`s on one `EmbeddedEventLoop`, joined by a ``RelayHandler`` pair, with an
/// ``OutboundEventRecorder`` at the head of each to see the reads and closes that reach the "socket".
private final class RelayFixture {
    let loop = EmbeddedEventLoop()
    let recorderA: OutboundEventRecorder
    let recorderB: OutboundEventRecorder
    let a: EmbeddedChannel
    let b: EmbeddedChannel

    init(a sideA: RelayHandler.Side, b sideB: RelayHandler.Side, passesOutputClose: Bool = false) throws {
        let (handlerA, handlerB) = RelayHandler.makePair(sideA, sideB)
        self.recorderA = OutboundEventRecorder(passesOutputClose: passesOutputClose)
        self.recorderB = OutboundEventRecorder(passesOutputClose: passesOutputClose)
        self.a = EmbeddedChannel(handlers: [self.recorderA, handlerA], loop: self.loop)
        self.b = EmbeddedChannel(handlers: [self.recorderB, handlerB], loop: self.loop)
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 7000)
        try self.a.connect(to: address).wait()
        try self.b.connect(to: address).wait()
    }

    deinit {
        // An EmbeddedChannel left open asserts when it is freed.
        _ = try? self.a.finish(acceptAlreadyClosed: true)
        _ = try? self.b.finish(acceptAlreadyClosed: true)
    }

    /// Everything flushed out of `channel` so far.
    func drainOutbound(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            buffers.append(buffer)
        }
        return buffers
    }
}

private let stream = RelayHandler.Side(canHalfClose: true, linger: .seconds(1))
private let datagram = RelayHandler.Side(canHalfClose: false, linger: .seconds(1))

@Suite struct RelayHandlerTests {
    // MARK: - Data

    @Test func readOnOneSideIsWrittenToTheOtherAndFlushedAtReadComplete() throws {
        let fixture = try RelayFixture(a: stream, b: datagram)
        fixture.a.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "one")))
        fixture.a.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "two")))
        // Written, not yet flushed.
        #expect(try fixture.b.readOutbound(as: ByteBuffer.self) == nil)
        fixture.a.pipeline.syncOperations.fireChannelReadComplete()
        #expect(try fixture.drainOutbound(fixture.b) == [ByteBuffer(string: "one"), ByteBuffer(string: "two")])
        // Nothing goes back to the channel that read.
        #expect(try fixture.a.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try fixture.a.readInbound(as: ByteBuffer.self) == nil)
    }

    @Test func relaysBothWays() throws {
        let fixture = try RelayFixture(a: stream, b: stream)
        try fixture.a.writeInbound(ByteBuffer(string: "ping"))
        try fixture.b.writeInbound(ByteBuffer(string: "pong"))
        #expect(try fixture.drainOutbound(fixture.b) == [ByteBuffer(string: "ping")])
        #expect(try fixture.drainOutbound(fixture.a) == [ByteBuffer(string: "pong")])
    }

    // MARK: - Backpressure

    @Test func readIsPassedOnWhilePartnerIsWritable() throws {
        let fixture = try RelayFixture(a: stream, b: stream)
        fixture.a.read()
        fixture.a.read()
        #expect(fixture.recorderA.reads == 2)
    }

    @Test func readIsHeldWhilePartnerIsNotWritable() throws {
        let fixture = try RelayFixture(a: stream, b: stream)
        fixture.b.isWritable = false
        fixture.a.read()
        fixture.a.read()
        #expect(fixture.recorderA.reads == 0)

        // A change that leaves the partner unwritable releases nothing.
        fixture.b.pipeline.syncOperations.fireChannelWritabilityChanged()
        #expect(fixture.recorderA.reads == 0)

        fixture.b.isWritable = true
        fixture.b.pipeline.syncOperations.fireChannelWritabilityChanged()
        // The held reads collapse into one.
        #expect(fixture.recorderA.reads == 1)

        // With no read held, writability changes ask for nothing more.
        fixture.b.pipeline.syncOperations.fireChannelWritabilityChanged()
        #expect(fixture.recorderA.reads == 1)
        #expect(fixture.recorderB.reads == 0)
    }

    @Test func backpressureWorksInBothDirections() throws {
        let fixture = try RelayFixture(a: stream, b: datagram)
        fixture.a.isWritable = false
        fixture.b.read()
        #expect(fixture.recorderB.reads == 0)
        fixture.a.read()
        #expect(fixture.recorderA.reads == 1)
        fixture.a.isWritable = true
        fixture.a.pipeline.syncOperations.fireChannelWritabilityChanged()
        #expect(fixture.recorderB.reads == 1)
    }

    // MARK: - Half-close

    @Test func inputClosedShutsHalfClosablePartnerOutputAfterPendingWrites() throws {
        let fixture = try RelayFixture(a: stream, b: stream)
        // A decoder passes its last message on at the end of input, with no read-complete after it.
        fixture.a.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "last")))
        fixture.a.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)

        // The message, then the empty write barrier, then the output shut.
        #expect(try fixture.drainOutbound(fixture.b) == [ByteBuffer(string: "last"), ByteBuffer()])
        #expect(fixture.recorderB.closeModes == [.output])
        #expect(fixture.recorderA.closeModes.isEmpty)
        #expect(fixture.a.isActive)
        #expect(fixture.b.isActive)

        // The other direction keeps flowing.
        try fixture.b.writeInbound(ByteBuffer(string: "reply"))
        #expect(try fixture.drainOutbound(fixture.a) == [ByteBuffer(string: "reply")])

        // A second end of input on the same side does not shut the output twice.
        fixture.a.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(fixture.recorderB.closeModes == [.output])
        #expect(try fixture.drainOutbound(fixture.b).isEmpty)
    }

    @Test func bothInputsClosedShutsBothOutputs() throws {
        let fixture = try RelayFixture(a: stream, b: stream)
        fixture.a.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        fixture.b.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(fixture.recorderA.closeModes == [.output])
        #expect(fixture.recorderB.closeModes == [.output])
        #expect(try fixture.drainOutbound(fixture.a) == [ByteBuffer()])
        #expect(try fixture.drainOutbound(fixture.b) == [ByteBuffer()])
    }

    @Test func partnerThatCannotShutItsOutputIsClosedWhole() throws {
        // EmbeddedChannel turns close(mode: .output) into a full close, as a channel without half-close support does.
        let fixture = try RelayFixture(a: stream, b: stream, passesOutputClose: true)
        fixture.a.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(fixture.recorderB.closeModes.first == .output)
        #expect(!fixture.b.isActive)
        // B's close then closes A.
        #expect(!fixture.a.isActive)
    }

    // MARK: - Linger

    @Test func datagramPartnerClosesAfterLingerWithNothingRead() throws {
        let fixture = try RelayFixture(a: stream, b: datagram)
        fixture.a.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        // No write barrier and no output shut on a datagram side: it waits for replies instead.
        #expect(try fixture.drainOutbound(fixture.b).isEmpty)
        #expect(fixture.recorderB.closeModes.isEmpty)

        fixture.loop.advanceTime(by: .milliseconds(999))
        #expect(fixture.b.isActive)
        fixture.loop.advanceTime(by: .milliseconds(1))
        #expect(!fixture.b.isActive)
        #expect(fixture.recorderB.closeModes.first == .all)
        // B's close then closes A, after a write barrier.
        #expect(!fixture.a.isActive)
    }

    @Test func readDuringLingerPushesTheCloseOut() throws {
        let fixture = try RelayFixture(a: stream, b: datagram)
        fixture.a.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)

        fixture.loop.advanceTime(by: .milliseconds(800))
        try fixture.b.writeInbound(ByteBuffer(string: "late reply"))
        #expect(try fixture.drainOutbound(fixture.a) == [ByteBuffer(string: "late reply")])

        // The original deadline (1.0s) passes: the reply at 0.8s keeps B open until 1.8s.
        fixture.loop.advanceTime(by: .milliseconds(200))
        #expect(fixture.b.isActive)
        fixture.loop.advanceTime(by: .milliseconds(799))
        #expect(fixture.b.isActive)
        #expect(fixture.recorderB.closeModes.isEmpty)
        fixture.loop.advanceTime(by: .milliseconds(1))
        #expect(!fixture.b.isActive)
    }

    @Test func readsBeforeTheEndOfInputDoNotDelayTheLinger() throws {
        let fixture = try RelayFixture(a: stream, b: datagram)
        fixture.loop.advanceTime(by: .seconds(5))
        try fixture.b.writeInbound(ByteBuffer(string: "early"))
        fixture.a.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        fixture.loop.advanceTime(by: .seconds(1))
        #expect(!fixture.b.isActive)
    }

    @Test func datagramSideWhoseInputEndedClosesAtOnce() throws {
        let fixture = try RelayFixture(a: stream, b: datagram)
        fixture.b.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        // B's input ending shuts A's output.
        #expect(fixture.recorderA.closeModes == [.output])
        #expect(fixture.b.isActive)

        fixture.a.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        // Nothing more can arrive on B, so there is nothing to linger for.
        #expect(!fixture.b.isActive)
    }

    // MARK: - Close

    @Test func closingOneSideClosesHalfClosablePartnerAfterPendingWrites() throws {
        let fixture = try RelayFixture(a: stream, b: stream)
        fixture.a.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "tail")))
        try fixture.a.close().wait()
        #expect(try fixture.drainOutbound(fixture.b) == [ByteBuffer(string: "tail"), ByteBuffer()])
        #expect(fixture.recorderB.closeModes.first == .all)
        #expect(!fixture.b.isActive)
    }

    @Test func closingOneSideClosesDatagramPartnerAfterPendingWrites() throws {
        let fixture = try RelayFixture(a: stream, b: datagram)
        // A decoder's last message at the end of the stream arrives with no read-complete before the close.
        fixture.a.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "tail")))
        try fixture.a.close().wait()
        #expect(!fixture.b.isActive)
        #expect(try fixture.drainOutbound(fixture.b) == [ByteBuffer(string: "tail")])
    }

    @Test func closingTheOtherSideClosesTheFirst() throws {
        let fixture = try RelayFixture(a: datagram, b: stream)
        try fixture.b.close().wait()
        #expect(!fixture.a.isActive)
    }

    @Test func errorClosesTheChannelAndThenThePartner() throws {
        struct Boom: Error, Equatable {}
        let fixture = try RelayFixture(a: stream, b: datagram)
        fixture.a.pipeline.syncOperations.fireErrorCaught(Boom())
        #expect(throws: Boom()) { try fixture.a.throwIfErrorCaught() }
        #expect(!fixture.a.isActive)
        #expect(!fixture.b.isActive)
    }

    // MARK: - MessageLimitHandler

    @Test func messageLimitPassesNMessagesThenCloses() throws {
        let recorder = OutboundEventRecorder()
        let channel = EmbeddedChannel(handlers: [recorder, MessageLimitHandler(limit: 2)])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000)).wait()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }

        try channel.writeInbound(ByteBuffer(string: "1"))
        #expect(channel.isActive)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "1"))

        // The second and third arrive in one batch: the third is dropped.
        channel.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "2")))
        #expect(!channel.isActive)
        channel.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "3")))
        channel.pipeline.syncOperations.fireChannelReadComplete()
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "2"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(recorder.closeModes == [.all])
    }

    @Test func messageLimitFiresReadCompleteBeforeClosing() throws {
        let loop = EmbeddedEventLoop()
        let (handlerA, handlerB) = RelayHandler.makePair(stream, stream)
        let a = EmbeddedChannel(handlers: [MessageLimitHandler(limit: 1), handlerA], loop: loop)
        let b = EmbeddedChannel(handlers: [handlerB], loop: loop)
        defer {
            _ = try? a.finish(acceptAlreadyClosed: true)
            _ = try? b.finish(acceptAlreadyClosed: true)
        }
        // Only a read, no read-complete: the limit handler supplies it, so the relay flushes the answer.
        a.pipeline.syncOperations.fireChannelRead(NIOAny(ByteBuffer(string: "answer")))
        #expect(try b.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "answer"))
    }
}
