import NIOCore

/// Passes each read on as one message, cutting a read longer than `maximumMessageLength` into several.
///
/// The limit keeps a stream bridged to UDP within what one datagram can carry (65,507 bytes over IPv4).
package struct RawFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    /// The longest message passed on.
    package let maximumMessageLength: Int

    package init(maximumMessageLength: Int) {
        precondition(maximumMessageLength > 0, "a message must be allowed at least one byte")
        self.maximumMessageLength = maximumMessageLength
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes > 0 else { return .needMoreData }
        let length = min(buffer.readableBytes, self.maximumMessageLength)
        context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: length)!))
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
