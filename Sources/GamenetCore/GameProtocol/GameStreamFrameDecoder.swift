import NIOCore

/// Cuts a gamenet byte stream into messages (each preceded by a 32-bit big-endian length) for a channel pipeline.
///
/// It passes each message on as a `ByteBuffer` without decoding it; a length over the maximum fails at once with
/// ``GameProtocolError/messageTooLarge(length:limit:)``.
package struct GameStreamFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    package let maximumMessageSize: Int

    package init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try GameCodec.nextStreamMessage(from: &buffer, maximumMessageSize: self.maximumMessageSize)
        else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(message))
        return .continue
    }

    package mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }
}
