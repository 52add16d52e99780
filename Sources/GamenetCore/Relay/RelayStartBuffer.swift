import NIOCore

/// Holds what a channel reads before its relay is in place, and hands it on, in order, when the relay announces
/// itself with ``RelayEvent/started``.
///
/// A channel is opened with reads off until its partner is ready, but NIO still drains a pipe whose writer has
/// closed: `echo hello | gamenet connect …` can deliver its input and its end before the target has connected. Held
/// here, neither is lost. What can arrive this way is bounded by the pipe's buffer.
package final class RelayStartBuffer: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = NIOAny
    package typealias InboundOut = NIOAny

    private enum Held {
        case read(NIOAny)
        case readComplete
        case event(Any)
    }

    private var held: [Held]? = []

    package init() {}

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.held != nil {
            self.held!.append(.read(data))
        } else {
            context.fireChannelRead(data)
        }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        if self.held != nil {
            self.held!.append(.readComplete)
        } else {
            context.fireChannelReadComplete()
        }
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let relayEvent = event as? RelayEvent, relayEvent == .started {
            context.fireUserInboundEventTriggered(event)
            let held = self.held ?? []
            self.held = nil
            for item in held {
                switch item {
                case .read(let data): context.fireChannelRead(data)
                case .readComplete: context.fireChannelReadComplete()
                case .event(let event): context.fireUserInboundEventTriggered(event)
                }
            }
            return
        }
        if self.held != nil {
            self.held!.append(.event(event))
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

@available(*, unavailable)
extension RelayStartBuffer: Sendable {}
