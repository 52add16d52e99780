import NIOCore

/// The last handler of a UDP flow's target channel: sends what the target answers to the flow's peer, from the
/// listener's socket.
final class UDPFlowReturnHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let flow: UDPFlow
    private let listener: any Channel
    private var needsFlush = false

    init(flow: UDPFlow, listener: any Channel) {
        self.flow = flow
        self.listener = listener
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = context.eventLoop.now
        self.flow.lastActivity = now
        var datagram = Self.unwrapInboundIn(data)
        if let shaping = self.flow.shaping {
            guard let immediate = shaping.shapeDownstream(datagram, now: now) else { return }
            datagram = immediate
        }
        // UDP has no backpressure: a listener whose send queue is full drops, it does not grow.
        guard self.listener.isWritable else { return }
        let envelope = AddressedEnvelope(remoteAddress: self.flow.peer, data: datagram)
        self.listener.write(envelope, promise: nil)
        self.needsFlush = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.needsFlush {
            self.needsFlush = false
            self.listener.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The target ended its stream: the flow has nothing more to send back, so it ends; the peer's next datagram
        // opens a new one.
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension UDPFlowReturnHandler: Sendable {}
