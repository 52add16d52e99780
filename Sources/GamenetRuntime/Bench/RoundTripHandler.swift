import GamenetCore
import NIOCore

/// Runs a ``RoundTripProbe`` on one connection: sends what the probe says is due, times the echoes, and completes
/// with the probe's samples when the case is over.
///
/// The clock is the event loop's monotonic clock (`NIODeadline.now()`, CLOCK_MONOTONIC), read just before a write
/// and as a reply is read. On a byte stream the echo comes back in arbitrary pieces, so replies are cut at the
/// message size; on message transports each message is one reply.
final class RoundTripHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var probe: RoundTripProbe
    private let isByteStream: Bool
    private let finished: EventLoopPromise<RoundTripProbe>
    /// Reply bytes of a byte stream not yet making up a whole message.
    private var partial: ByteBuffer?
    /// One message's bytes, rewritten for every send; after the previous write completes it is unshared again, so
    /// the rewrite does not copy.
    private var outgoing: ByteBuffer?
    private var wakeUp: Scheduled<Void>?
    private var wakeUpDeadline: UInt64?
    private var isDone = false
    /// How long replies may still come after the last send.
    private static let replyGrace: UInt64 = 2_000_000_000

    init(probe: RoundTripProbe, isByteStream: Bool, finished: EventLoopPromise<RoundTripProbe>) {
        self.probe = probe
        self.isByteStream = isByteStream
        self.finished = finished
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.sendDue(context: context)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.sendDue(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now().uptimeNanoseconds
        var bytes = self.unwrapInboundIn(data)
        guard self.isByteStream else {
            self.probe.receive(header: bytes, now: now)
            self.sendDue(context: context)
            return
        }
        let size = self.probe.messageSize
        if var partial = self.partial {
            self.partial = nil
            partial.writeBuffer(&bytes)
            bytes = partial
        }
        while bytes.readableBytes >= size {
            self.probe.receive(header: bytes, now: now)
            bytes.moveReaderIndex(forwardBy: size)
        }
        if bytes.readableBytes > 0 {
            self.partial = bytes
        }
        self.sendDue(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.complete()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.complete()
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.wakeUp?.cancel()
        self.complete()
    }

    private func sendDue(context: ChannelHandlerContext) {
        guard !self.isDone else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        let size = self.probe.messageSize
        let sent = self.probe.sendDue(now: now) { message in
            var buffer = self.outgoing ?? context.channel.allocator.buffer(capacity: size)
            self.outgoing = nil
            buffer.clear()
            RoundTripProbe.write(message, messageSize: size, into: &buffer)
            context.write(self.wrapOutboundOut(buffer), promise: nil)
            self.outgoing = buffer
        }
        if sent > 0 {
            context.flush()
        }
        if self.probe.isFinished(now: now) {
            self.complete()
            return
        }
        // Past the end, the last replies get a grace period, then count as lost.
        let deadline = min(self.probe.nextWakeUp ?? .max, self.giveUpTime)
        // A wake-up that comes early is harmless (it asks the probe again and re-arms), so an armed one is kept
        // unless the probe needs an earlier one: a closed loop's reply timeout moves with every message, and
        // re-arming a timer per round trip would cost more than the round trip's own work.
        if let armed = self.wakeUpDeadline, armed <= deadline { return }
        self.wakeUp?.cancel()
        self.wakeUpDeadline = deadline
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.wakeUp = context.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(deadline)) {
            let (handler, context) = bound.value
            handler.wakeUpDeadline = nil
            if NIODeadline.now().uptimeNanoseconds >= handler.giveUpTime {
                handler.complete()
            } else {
                handler.sendDue(context: context)
            }
        }
    }

    private var giveUpTime: UInt64 { self.probe.end + Self.replyGrace }

    private func complete() {
        guard !self.isDone else { return }
        self.isDone = true
        self.wakeUp?.cancel()
        self.probe.finish()
        self.finished.succeed(self.probe)
    }
}
