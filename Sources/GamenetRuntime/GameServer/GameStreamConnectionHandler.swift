import GamenetCore
import NIOCore

/// Connects a TCP connection that speaks the gamenet stream protocol to the ``GameServerHost``: behind a
/// ``GameStreamFrameDecoder``, each message it reads goes to the server without its length prefix.
final class GameStreamConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let host: GameServerHost
    private var connection: ConnectionID?

    init(host: GameServerHost) {
        self.host = host
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The sniffer adds this handler once the first bytes are in, so the channel is already active.
        self.connection = self.host.open(context.channel, transport: .tcp)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection = self.connection else { return }
        self.host.receive(Self.unwrapInboundIn(data), encoding: .binary, on: connection)
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

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // A client that stops sending is gone; the session waits for a resume.
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let connection = self.connection else {
            context.close(promise: nil)
            return
        }
        if let error = error as? GameProtocolError {
            // The decoder stops at a bad length prefix; the server sends its goodbye and asks for the close.
            self.host.fail(connection, error: error)
        } else {
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension GameStreamConnectionHandler: Sendable {}
