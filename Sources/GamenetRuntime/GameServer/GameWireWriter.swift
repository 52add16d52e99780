import NIOCore

/// The first handler of a game connection's pipeline: the host writes finished frames from its context, so they go
/// straight to the socket.
///
/// A room broadcast writes to every member; passed down the whole pipeline, each write would go through the
/// WebSocket handlers as a message, be type-checked and wrapped at each step and framed into another buffer. The
/// host frames it once into one buffer (``OutboundFrame/write(into:framing:)``) and hands it to this handler's
/// context, whose next stop is the socket. The WebSocket handlers still write their own control frames; every frame
/// is written whole, so the two never interleave inside a frame.
final class GameWireWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// The allocator of the channel.
    var allocator: ByteBufferAllocator { self.context?.channel.allocator ?? ByteBufferAllocator() }

    /// Queues `bytes` for the socket.
    func write(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard let context = self.context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(Self.wrapOutboundOut(bytes), promise: promise)
    }

    /// Writes what is queued.
    func flush() {
        self.context?.flush()
    }
}

@available(*, unavailable)
extension GameWireWriter: Sendable {}
