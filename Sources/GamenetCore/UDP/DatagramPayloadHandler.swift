import NIOCore

/// Turns the datagrams a connected UDP channel reads into their payloads, so that the channel can be relayed like
/// any other message channel.
///
/// A connected datagram channel already accepts a bare `ByteBuffer` for writing (it goes to the connected peer), so
/// only the inbound side needs this.
package final class DatagramPayloadHandler: ChannelInboundHandler {
    package typealias InboundIn = AddressedEnvelope<ByteBuffer>
    package typealias InboundOut = ByteBuffer

    package init() {}

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(Self.wrapInboundOut(Self.unwrapInboundIn(data).data))
    }
}

@available(*, unavailable)
extension DatagramPayloadHandler: Sendable {}
