import NIOCore

/// The far end of one of many idle connections: counts whole echoes of `size`-byte messages and notes a close.
final class ConnectionProbeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let tally: ConnectionTally
    private let size: Int
    private let isByteStream: Bool
    private var partialBytes = 0

    init(tally: ConnectionTally, size: Int, isByteStream: Bool) {
        self.tally = tally
        self.size = size
        self.isByteStream = isByteStream
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data).readableBytes
        guard self.isByteStream else {
            self.tally.echoed(1)
            return
        }
        self.partialBytes += bytes
        let messages = self.partialBytes / self.size
        self.partialBytes -= messages * self.size
        if messages > 0 { self.tally.echoed(messages) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.tally.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
