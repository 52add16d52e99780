import NIOCore

/// Lets a WebSocket channel be relayed like any other message channel: messages in become their payloads, and
/// payloads out become messages, text or binary as configured (`--text`).
package final class WebSocketMessageAdapter: ChannelDuplexHandler {
    package typealias InboundIn = WebSocketMessage
    package typealias InboundOut = ByteBuffer
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = WebSocketMessage

    private let sendsText: Bool

    package init(sendsText: Bool) {
        self.sendsText = sendsText
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(Self.wrapInboundOut(Self.unwrapInboundIn(data).data))
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = Self.unwrapOutboundIn(data)
        context.write(Self.wrapOutboundOut(WebSocketMessage(isText: self.sendsText, data: payload)), promise: promise)
    }
}

@available(*, unavailable)
extension WebSocketMessageAdapter: Sendable {}
