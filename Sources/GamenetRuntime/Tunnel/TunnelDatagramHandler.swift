import NIOCore

/// Hands the datagrams of a tunnel's UDP socket to its owner.
final class TunnelDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let receive: (AddressedEnvelope<ByteBuffer>) -> Void

    init(receive: @escaping (AddressedEnvelope<ByteBuffer>) -> Void) {
        self.receive = receive
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.receive(Self.unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP socket reports ICMP port unreachable as an error on the next read; the flow's timers handle a peer
        // that went away.
    }
}

@available(*, unavailable)
extension TunnelDatagramHandler: Sendable {}
