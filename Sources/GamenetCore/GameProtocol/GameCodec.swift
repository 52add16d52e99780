import NIOCore

/// The constants of the binary form, and the functions that turn frames into bytes for each transport.
///
/// On a byte stream (TCP, or the reliable stream of any transport that has no message boundaries) every frame is
/// preceded by its length as a 32-bit big-endian integer. On KCP, on UDP and in a binary WebSocket frame, one frame is
/// the whole message, without a prefix.
package enum GameCodec {
    /// "GNET", the first four bytes after the type byte of a client hello.
    package static let magic: UInt32 = 0x474E_4554
    /// The width of the length prefix on byte streams.
    package static let lengthPrefixSize = 4
    /// The longest namespace, room name or display name, in bytes of UTF-8.
    package static let identifierLimit = 255
    /// The longest reason text of an error, warning, goodbye or resume rejection, in bytes of UTF-8.
    package static let textLimit = 1024
    /// The maximum message size a server announces unless configured otherwise.
    package static let defaultMaximumMessageSize = 65_536

    /// The binary form of `frame`, for a datagram, a KCP message or a WebSocket binary frame.
    package static func encode(_ frame: GameFrame) throws(GameProtocolError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try frame.encode(into: &buffer)
        return buffer
    }

    /// The binary form of `frame` preceded by its length, for a byte stream.
    package static func encodeForStream(_ frame: GameFrame) throws(GameProtocolError) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(0))
        try frame.encode(into: &buffer)
        buffer.setInteger(UInt32(buffer.readableBytes - Self.lengthPrefixSize), at: buffer.readerIndex)
        return buffer
    }

    /// Decodes a datagram, KCP message or binary WebSocket frame of at most `maximumMessageSize` bytes.
    package static func decode(_ bytes: ByteBuffer, maximumMessageSize: Int) throws(GameProtocolError) -> GameFrame {
        guard bytes.readableBytes <= maximumMessageSize else {
            throw .messageTooLarge(length: bytes.readableBytes, limit: maximumMessageSize)
        }
        return try GameFrame(decoding: bytes)
    }

    /// Takes the next whole message off a byte stream, or returns `nil` when more bytes are needed.
    ///
    /// A length prefix over `maximumMessageSize` fails as soon as its four bytes are there, before any of the message
    /// is buffered, so a 100 MB prefix costs nothing. After such an error the stream cannot be resynchronised: close it
    /// (with goodbye reason `messageTooLarge`).
    package static func nextStreamMessage(
        from buffer: inout ByteBuffer,
        maximumMessageSize: Int
    ) throws(GameProtocolError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return nil
        }
        guard Int(length) <= maximumMessageSize else {
            throw .messageTooLarge(length: Int(length), limit: maximumMessageSize)
        }
        guard buffer.readableBytes >= Self.lengthPrefixSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Self.lengthPrefixSize)
        return buffer.readSlice(length: Int(length))
    }
}
