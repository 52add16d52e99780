import GamenetCore
import NIOCore

/// Hands every datagram on the game server's UDP port to the ``GameServerHost``.
final class GameDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let host: GameServerHost

    init(host: GameServerHost) {
        self.host = host
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        self.host.receiveDatagram(envelope.data, from: envelope.remoteAddress)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP error for one peer (connection refused) says nothing about the others; the port stays open.
    }
}

@available(*, unavailable)
extension GameDatagramHandler: Sendable {}
