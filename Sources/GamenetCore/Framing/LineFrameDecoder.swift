import NIOCore

/// Cuts a byte stream into lines, one message per line, without the `\n` or `\r\n` that ends it.
///
/// A last line with no newline before the end of the stream is still passed on. A line longer than
/// `maximumLineLength` is an error rather than a buffer that grows without bound.
package struct LineFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    /// The longest line accepted, not counting its line ending.
    package let maximumLineLength: Int
    /// How far the previous call already searched, so a long line is scanned once and not on every read.
    private var scannedBytes = 0

    package init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let searchStart = view.index(view.startIndex, offsetBy: self.scannedBytes)
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            self.scannedBytes = view.count
            if view.count > self.maximumLineLength + 1 {
                throw FramingError.messageTooLong(length: view.count, limit: self.maximumLineLength)
            }
            return .needMoreData
        }
        self.scannedBytes = 0
        var length = newline - view.startIndex
        let hasCarriageReturn = length > 0 && view[newline - 1] == UInt8(ascii: "\r")
        if hasCarriageReturn {
            length -= 1
        }
        guard length <= self.maximumLineLength else {
            throw FramingError.messageTooLong(length: length, limit: self.maximumLineLength)
        }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: hasCarriageReturn ? 2 : 1)
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    package mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        let state = try self.decode(context: context, buffer: &buffer)
        if state == .needMoreData, seenEOF, buffer.readableBytes > 0 {
            // `decode` holds one byte over the limit in case it is the `\r` of a `\r\n`; with no `\n` to come, it
            // is part of the line, and the line is too long.
            guard buffer.readableBytes <= self.maximumLineLength else {
                throw FramingError.messageTooLong(length: buffer.readableBytes, limit: self.maximumLineLength)
            }
            self.scannedBytes = 0
            context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: buffer.readableBytes)!))
            return .continue
        }
        return state
    }
}
