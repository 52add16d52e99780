import NIOCore

/// Lets a WebSocket channel be relayed like any other message channel: messages in become their payloads, and
/// payloads out become messages, text or binary as configured (`--text`).
///
/// Messages that arrive before a relay is in place (a server may speak right after its 101, and the upgrade replays
/// those bytes at once) are held and passed on when the relay announces itself with ``RelayEvent/started``.
package final class WebSocketMessageAdapter: ChannelDuplexHandler {
    package typealias InboundIn = WebSocketMessage
    package typealias InboundOut = ByteBuffer
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = WebSocketMessage

    private let sendsText: Bool
    private var held: [ByteBuffer]? = []

    package init(sendsText: Bool) {
        self.sendsText = sendsText
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = Self.unwrapInboundIn(data).data
        if self.held != nil {
            self.held!.append(payload)
            return
        }
        context.fireChannelRead(Self.wrapInboundOut(payload))
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        if self.held == nil {
            context.fireChannelReadComplete()
        }
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if let event = event as? RelayEvent, event == .started, let held = self.held {
            self.held = nil
            for payload in held {
                context.fireChannelRead(Self.wrapInboundOut(payload))
            }
            if !held.isEmpty {
                context.fireChannelReadComplete()
            }
        }
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = Self.unwrapOutboundIn(data)
        context.write(Self.wrapOutboundOut(WebSocketMessage(isText: self.sendsText, data: payload)), promise: promise)
    }
}

@available(*, unavailable)
extension WebSocketMessageAdapter: Sendable {}
