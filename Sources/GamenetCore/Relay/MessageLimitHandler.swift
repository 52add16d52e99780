import NIOCore

/// Passes on the first `limit` messages a channel reads and then closes the channel, dropping the rest
/// (`connect --count N`: stop after N answers).
package final class MessageLimitHandler: ChannelInboundHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ByteBuffer

    private var remaining: Int

    package init(limit: Int) {
        precondition(limit > 0, "a message limit must be positive")
        self.remaining = limit
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.remaining > 0 else { return }
        self.remaining -= 1
        context.fireChannelRead(data)
        if self.remaining == 0 {
            context.fireChannelReadComplete()
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension MessageLimitHandler: Sendable {}
