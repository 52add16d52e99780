import NIOCore

/// Sends every datagram back to the address it came from.
///
/// Replies are written as they arrive and flushed once per batch of reads. While the socket cannot take more, new
/// datagrams are dropped and counted rather than queued: UDP has no backpressure, and a queue would only grow.
package final class DatagramEchoHandler: ChannelInboundHandler {
    package typealias InboundIn = AddressedEnvelope<ByteBuffer>
    package typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// Datagrams echoed.
    package private(set) var echoed = 0
    /// Datagrams dropped because the socket's send queue was full.
    package private(set) var dropped = 0

    package init() {}

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard context.channel.isWritable else {
            self.dropped += 1
            return
        }
        let envelope = Self.unwrapInboundIn(data)
        self.echoed += 1
        context.write(
            Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: envelope.data)),
            promise: nil
        )
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP port-unreachable from one peer surfaces here as ECONNREFUSED; the socket itself is fine and keeps
        // serving everyone else.
        context.fireErrorCaught(error)
    }
}

@available(*, unavailable)
extension DatagramEchoHandler: Sendable {}
