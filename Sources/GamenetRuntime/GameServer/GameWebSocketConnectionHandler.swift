import GamenetCore
import NIOCore

/// Connects an upgraded WebSocket connection to the ``GameServerHost``: binary messages carry the binary codec,
/// text messages the JSON form.
final class GameWebSocketConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketMessage

    private let host: GameServerHost
    private var connection: ConnectionID?

    init(host: GameServerHost) {
        self.host = host
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.connection = self.host.open(context.channel, transport: .webSocket)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection = self.connection else { return }
        let message = Self.unwrapInboundIn(data)
        self.host.receive(message.data, encoding: message.isText ? .json : .binary, on: connection)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.host.flush()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection = self.connection {
            self.connection = nil
            self.host.close(connection)
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let connection = self.connection {
            self.host.writabilityChanged(connection)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension GameWebSocketConnectionHandler: Sendable {}
