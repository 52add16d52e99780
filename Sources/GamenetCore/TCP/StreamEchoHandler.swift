import NIOCore

/// Writes back every byte a stream connection reads, with backpressure: while the connection cannot take more
/// writes, it stops reading, so a client that sends without reading cannot make the server buffer without bound.
///
/// When the client shuts its side, the echo finishes writing and then shuts the server's side, as `socat PIPE` does.
package final class StreamEchoHandler: ChannelDuplexHandler {
    package typealias InboundIn = ByteBuffer
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private var pendingRead = false

    package init() {}

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    package func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            self.pendingRead = true
        }
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, self.pendingRead {
            self.pendingRead = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.closeAfterPendingWrites(mode: .all)
        }
        context.fireUserInboundEventTriggered(event)
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension StreamEchoHandler: Sendable {}
