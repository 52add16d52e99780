import GamenetCore
import NIOCore

/// The first handler of a game connection's pipeline: gathers the frames the host writes into one buffer and hands
/// it to the socket when the host flushes.
///
/// A room broadcast writes to every member; passed down the whole pipeline, each write would go through the
/// WebSocket handlers as a message, be type-checked and wrapped at each step and framed into another buffer, and
/// each would be a buffer of its own in the channel's queue. Here the frames of one event-loop iteration are framed
/// (``OutboundFrame/write(into:framing:)``) one after the other into one buffer, which goes to the socket in one
/// write. Between flushes nothing is held: an idle connection keeps no buffer.
///
/// The WebSocket handlers still write their own control frames through this handler; what was gathered goes out
/// before them, so a pong or a close frame never overtakes a message written before it.
final class GameWireWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The smallest buffer gathered frames start in: a room's messages to one member in one iteration fit without
    /// growing it.
    private static let minimumCapacity = 512

    // Both are touched for every frame; a handler only runs on its channel's event loop, so the runtime's
    // exclusivity checks on them could never fail, and they are turned off.
    @exclusivity(unchecked) private var context: ChannelHandlerContext?
    /// Frames written since the last flush.
    @exclusivity(unchecked) private var gathered: ByteBuffer?
    /// What the last flush carried: the next buffer starts that large, so that a busy member's buffer is not
    /// reallocated several times on its way up in every iteration.
    private var lastGatheredSize = GameWireWriter.minimumCapacity
    private let framing: OutboundFrame.Framing
    /// Gathered bytes past which the host flushes at once instead of at the end of the event-loop iteration.
    let flushThreshold: Int

    init(framing: OutboundFrame.Framing, flushThreshold: Int) {
        self.framing = framing
        self.flushThreshold = flushThreshold
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.gathered = nil
    }


    /// Adds `frame` to what goes out at the next flush.
    /// - Returns: whether the gathered bytes reached ``flushThreshold``.
    func write(_ frame: OutboundFrame) -> Bool {
        guard let context = self.context else { return false }
        let size = frame.wireSize(framing: self.framing)
        if self.gathered == nil {
            self.gathered = context.channel.allocator.buffer(capacity: max(size, self.lastGatheredSize))
        }
        frame.write(into: &self.gathered!, framing: self.framing)
        return self.gathered!.readableBytes >= self.flushThreshold
    }

    /// Sends what was gathered; `promise` completes when it is written.
    func flush(promise: EventLoopPromise<Void>? = nil) {
        guard let context = self.context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        self.writeGathered(context: context, promise: promise)
        context.flush()
    }

    // A frame from a handler behind this one (a WebSocket pong or close) goes after what was gathered before it.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        self.writeGathered(context: context, promise: nil)
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        self.writeGathered(context: context, promise: nil)
        context.flush()
    }

    private func writeGathered(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        // With a promise and nothing gathered, an empty write: it completes once what is queued before it is out.
        guard let bytes = self.gathered.take() ?? (promise == nil ? nil : context.channel.allocator.buffer(capacity: 0))
        else { return }
        self.lastGatheredSize = max(Self.minimumCapacity, min(bytes.readableBytes, self.flushThreshold))
        context.write(Self.wrapOutboundOut(bytes), promise: promise)
    }
}

@available(*, unavailable)
extension GameWireWriter: Sendable {}
