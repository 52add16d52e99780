import NIOCore

/// Carries one TCP connection of a tunnel: what it reads goes to its stream, its end of input becomes the stream's
/// FIN, and its closing ends the stream.
final class TunnelStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connection: TunnelMuxConnection
    private let streamID: UInt32

    init(connection: TunnelMuxConnection, streamID: UInt32) {
        self.connection = connection
        self.streamID = streamID
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.connection.streamRead(self.streamID, Self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.connection.pump()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            self.connection.streamInputClosed(self.streamID)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.connection.streamChannelClosed(self.streamID)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension TunnelStreamHandler: Sendable {}
