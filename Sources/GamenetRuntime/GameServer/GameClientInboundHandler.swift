import GamenetCore
import NIOCore

/// The last handler of a game client's connection: every frame it reads, and the connection's end, go to the
/// client's event stream.
final class GameClientInboundHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let generation: Int
    private let events: AsyncStream<GameClient.Event>.Continuation

    init(generation: Int, events: AsyncStream<GameClient.Event>.Continuation) {
        self.generation = generation
        self.events = events
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.events.yield(.frame(Self.unwrapInboundIn(data), generation: self.generation))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.events.yield(.closed(generation: self.generation))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension GameClientInboundHandler: Sendable {}
