import NIOCore

/// Sends every WebSocket message back as it came, text as text and binary as binary (`serve --echo`).
package final class WebSocketEchoHandler: ChannelInboundHandler {
    package typealias InboundIn = WebSocketMessage
    package typealias OutboundOut = WebSocketMessage

    package init() {}

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }
}

@available(*, unavailable)
extension WebSocketEchoHandler: Sendable {}
