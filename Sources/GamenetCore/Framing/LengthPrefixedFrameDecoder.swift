import NIOCore

/// Cuts a byte stream into messages that are each preceded by their length, big-endian, in 2 or 4 bytes.
///
/// A length over `maximumMessageLength` is an error as soon as the prefix arrives, before any of the message is
/// buffered, so a hostile prefix cannot make the decoder reserve gigabytes.
package struct LengthPrefixedFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    /// The width of the length prefix.
    package enum PrefixWidth: Int, Hashable, Sendable {
        case two = 2
        case four = 4
    }

    package let prefixWidth: PrefixWidth
    package let maximumMessageLength: Int

    package init(prefixWidth: PrefixWidth, maximumMessageLength: Int) {
        self.prefixWidth = prefixWidth
        self.maximumMessageLength = maximumMessageLength
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = self.peekLength(buffer) else { return .needMoreData }
        guard length <= self.maximumMessageLength else {
            throw FramingError.messageTooLong(length: length, limit: self.maximumMessageLength)
        }
        guard buffer.readableBytes >= self.prefixWidth.rawValue + length else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: self.prefixWidth.rawValue)
        context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: length)!))
        return .continue
    }

    package mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        let state = try self.decode(context: context, buffer: &buffer)
        if state == .needMoreData, seenEOF, buffer.readableBytes > 0 {
            let expected = self.peekLength(buffer).map { $0 + self.prefixWidth.rawValue } ?? self.prefixWidth.rawValue
            throw FramingError.truncatedMessage(expected: expected, received: buffer.readableBytes)
        }
        return state
    }

    private func peekLength(_ buffer: ByteBuffer) -> Int? {
        switch self.prefixWidth {
        case .two: return buffer.getInteger(at: buffer.readerIndex, as: UInt16.self).map(Int.init)
        case .four: return buffer.getInteger(at: buffer.readerIndex, as: UInt32.self).map(Int.init)
        }
    }
}
