import GamenetCore
import NIOCore

/// Drives one connection of a throughput case against an echo peer and counts the echoes.
///
/// With a window, that many messages are kept in flight: each whole echo lets one more go (on a byte stream, each
/// `size` bytes echoed count as one message). A datagram window that stalls — its messages lost — is refilled on
/// the next tick. Without a window (0), messages are written for as long as the channel is writable and less than
/// ``bulkBytesInFlight`` is unanswered: flow control sets the pace, and a slow peer is not left with megabytes of
/// socket buffers to work through after the case (and into the next one).
final class ThroughputHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var meter: ThroughputMeter
    private let size: Int
    private let window: Int
    private let isByteStream: Bool
    private let finished: EventLoopPromise<ThroughputMeter>
    private let message: ByteBuffer
    private var inFlight = 0
    /// Bytes written and not yet echoed, in bulk mode.
    private var unansweredBytes = 0
    static let bulkBytesInFlight = 256 * 1_024
    /// Bytes of a byte stream's echo not yet making up a whole message.
    private var partialBytes = 0
    private var receivedSinceTick = false
    private var ticker: RepeatedTask?
    private var isDone = false

    init(meter: ThroughputMeter, size: Int, window: Int, isByteStream: Bool, finished: EventLoopPromise<ThroughputMeter>) {
        self.meter = meter
        self.size = size
        self.window = window
        self.isByteStream = isByteStream
        self.finished = finished
        var message = ByteBuffer()
        message.writeRepeatingByte(0x5A, count: size)
        self.message = message
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.ticker = context.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(50), delay: .milliseconds(50)) {
            _ in
            let (handler, context) = bound.value
            handler.tick(context: context)
        }
        self.send(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now().uptimeNanoseconds
        let bytes = self.unwrapInboundIn(data).readableBytes
        self.receivedSinceTick = true
        var messages = 1
        if self.isByteStream {
            self.partialBytes += bytes
            messages = self.partialBytes / self.size
            self.partialBytes -= messages * self.size
        }
        self.meter.arrived(bytes: bytes, messages: messages, now: now)
        self.unansweredBytes = max(0, self.unansweredBytes - bytes)
        self.inFlight = max(0, self.inFlight - messages)
        if now >= self.meter.end {
            self.complete()
            return
        }
        self.send(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { self.send(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.complete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.complete()
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.complete()
    }

    private func send(context: ChannelHandlerContext) {
        guard !self.isDone else { return }
        var wrote = false
        if self.window == 0 {
            // Bounded per call, so that reads get their turn on the event loop.
            var budget = 64
            while context.channel.isWritable, budget > 0, self.unansweredBytes < Self.bulkBytesInFlight {
                context.write(self.wrapOutboundOut(self.message), promise: nil)
                self.unansweredBytes += self.size
                budget -= 1
                wrote = true
            }
        } else {
            while self.inFlight < self.window {
                context.write(self.wrapOutboundOut(self.message), promise: nil)
                self.inFlight += 1
                wrote = true
            }
        }
        if wrote { context.flush() }
    }

    private func tick(context: ChannelHandlerContext) {
        let now = NIODeadline.now().uptimeNanoseconds
        if now >= self.meter.end {
            self.complete()
            return
        }
        if self.window == 0 {
            self.send(context: context)
        } else if !self.receivedSinceTick, !self.isByteStream {
            // A whole window of datagrams went missing: start it again.
            self.inFlight = 0
            self.send(context: context)
        }
        self.receivedSinceTick = false
    }

    private func complete() {
        guard !self.isDone else { return }
        self.isDone = true
        self.ticker?.cancel()
        self.finished.succeed(self.meter)
    }
}
