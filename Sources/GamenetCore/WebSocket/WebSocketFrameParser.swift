import NIOCore
import NIOWebSocket

/// Cuts a WebSocket byte stream into frames (RFC 6455 §5.2), unmasking each payload as its bytes arrive.
///
/// A pure state machine: bytes in, frames out. Each frame's payload is written, unmasked, into one buffer of exactly
/// the announced length, whatever the number of reads it arrives in; nothing is gathered first. A masked payload costs
/// one pass (read buffer to payload buffer); an unmasked one that arrives whole in one read is shared with the read
/// buffer, at no copy. A length over the maximum is refused from the header, before any payload buffer is allocated.
package struct WebSocketFrameParser {
    /// The most a header alone makes the parser allocate: the buffer of a longer payload starts this large and grows
    /// as the bytes arrive, so that a peer cannot make each connection hold the maximum frame size with 14 bytes.
    package static let payloadCapacityFromHeader = 256 * 1024

    /// The fields of a frame header, once all of it has arrived.
    private struct Header {
        var fin: Bool
        var rsv1: Bool
        var rsv2: Bool
        var rsv3: Bool
        var opcode: WebSocketOpcode
        var maskKey: WebSocketMaskingKey?
        var length: Int
    }

    /// The largest payload accepted.
    package let maximumFrameSize: Int
    /// The header of the frame whose payload is arriving, if its header is complete.
    private var header: Header?
    /// The payload received so far, unmasked, when it spans reads or needed unmasking.
    private var payload: ByteBuffer?
    /// The first bytes of a header split across reads (at most 13 of its 2 to 14).
    private var partialHeader: ByteBuffer?

    package init(maximumFrameSize: Int) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// Reads from `buffer` toward the next frame and returns it once complete.
    ///
    /// Call it again until it returns `nil`: then `buffer` is used up, and what it held of an incomplete frame is
    /// kept for the next call.
    ///
    /// - Parameters:
    ///   - buffer: bytes from the stream; the bytes taken are consumed.
    ///   - allocator: makes the payload buffers.
    /// - Throws: ``WebSocketFramingError`` for a header that breaks the framing rules; the stream cannot be parsed
    ///   further.
    package mutating func nextFrame(
        from buffer: inout ByteBuffer,
        allocator: ByteBufferAllocator
    ) throws(WebSocketFramingError) -> WebSocketInboundFrame? {
        let header: Header
        if let current = self.header {
            header = current
        } else {
            guard let next = try self.readHeader(from: &buffer, allocator: allocator) else { return nil }
            header = next
            if next.length == 0 || (next.maskKey == nil && buffer.readableBytes >= next.length) {
                // An empty payload, or a whole unmasked one (a server's frame): share it with the read buffer.
                return Self.frame(header, payload: buffer.readSlice(length: next.length)!)
            }
            self.header = next
            self.payload = allocator.buffer(capacity: min(next.length, Self.payloadCapacityFromHeader))
        }
        let received = self.payload!.readableBytes
        let count = min(header.length - received, buffer.readableBytes)
        if count > 0 {
            let piece = buffer.readSlice(length: count)!
            if let key = header.maskKey {
                // §5.3: byte i of the payload is masked with key byte i mod 4, counting from the payload's start,
                // so a piece carries on at the key index where the previous one stopped.
                self.payload!.writeWebSocketMasked(piece, key: key, indexOffset: received)
            } else {
                self.payload!.writeImmutableBuffer(piece)
            }
        }
        guard received + count == header.length else { return nil }
        self.header = nil
        let payload = self.payload.take()!
        return Self.frame(header, payload: payload)
    }

    private static func frame(_ header: Header, payload: ByteBuffer) -> WebSocketInboundFrame {
        WebSocketInboundFrame(
            fin: header.fin,
            rsv1: header.rsv1,
            rsv2: header.rsv2,
            rsv3: header.rsv3,
            opcode: header.opcode,
            isMasked: header.maskKey != nil,
            payload: payload
        )
    }

    // MARK: - Header

    /// Takes the next header from `buffer`, or keeps what `buffer` holds of it and returns `nil`.
    private mutating func readHeader(
        from buffer: inout ByteBuffer,
        allocator: ByteBufferAllocator
    ) throws(WebSocketFramingError) -> Header? {
        if self.partialHeader == nil || self.partialHeader!.readableBytes == 0 {
            // The usual case: the whole header is in this read.
            guard let size = Self.headerSize(buffer), buffer.readableBytes >= size else {
                if buffer.readableBytes > 0 {
                    if self.partialHeader == nil {
                        self.partialHeader = allocator.buffer(capacity: 14)
                    }
                    self.partialHeader!.writeBuffer(&buffer)
                }
                return nil
            }
            let header = try self.parseHeader(buffer)
            buffer.moveReaderIndex(forwardBy: size)
            return header
        }
        // A header split across reads: take only its own bytes. Its first two tell how many there are.
        while buffer.readableBytes > 0 {
            let size = Self.headerSize(self.partialHeader!) ?? 2
            var piece = buffer.readSlice(length: min(size - self.partialHeader!.readableBytes, buffer.readableBytes))!
            self.partialHeader!.writeBuffer(&piece)
            // With its first two bytes just in, the size known may have grown past 2: then the loop takes more.
            if let completeSize = Self.headerSize(self.partialHeader!),
                self.partialHeader!.readableBytes == completeSize
            {
                let header = try self.parseHeader(self.partialHeader!)
                self.partialHeader!.clear()
                return header
            }
        }
        return nil
    }

    /// The size of the header at the start of `bytes`, from its first two bytes; `nil` before they arrive.
    private static func headerSize(_ bytes: ByteBuffer) -> Int? {
        guard let second = bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self) else { return nil }
        // §5.2: a 7-bit length of 126 means a 16-bit length follows, 127 a 64-bit one; then the key if MASK is set.
        let extendedLength: Int
        switch second & 0x7F {
        case 126: extendedLength = 2
        case 127: extendedLength = 8
        default: extendedLength = 0
        }
        return 2 + extendedLength + (second & 0x80 != 0 ? 4 : 0)
    }

    /// Parses the complete header at the start of `bytes` and checks it.
    private func parseHeader(_ bytes: ByteBuffer) throws(WebSocketFramingError) -> Header {
        var index = bytes.readerIndex
        let first = bytes.getInteger(at: index, as: UInt8.self)!
        let second = bytes.getInteger(at: index + 1, as: UInt8.self)!
        index += 2
        var length = UInt64(second & 0x7F)
        switch length {
        case 126:
            length = UInt64(bytes.getInteger(at: index, as: UInt16.self)!)
            index += 2
            // §5.2: "the minimal number of bytes MUST be used to encode the length".
            guard length > 125 else { throw .nonMinimalLength(length) }
        case 127:
            length = bytes.getInteger(at: index, as: UInt64.self)!
            index += 8
            // §5.2: "the most significant bit MUST be 0".
            guard length >> 63 == 0 else { throw .lengthTopBitSet }
            guard length > UInt64(UInt16.max) else { throw .nonMinimalLength(length) }
        default:
            break
        }
        let fin = first & 0x80 != 0
        // The low four bits always make an opcode, reserved ones included; WebSocketConnection refuses those.
        let opcode = WebSocketOpcode(encodedWebSocketOpcode: first & 0x0F)!
        if opcode.isControlOpcode {
            // §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
            guard fin else { throw .fragmentedControlFrame }
            guard length <= 125 else { throw .controlFrameTooLong(length) }
        }
        // Refused from the header alone, so an announced length never reaches the allocator.
        guard length <= UInt64(self.maximumFrameSize) else {
            throw .frameTooLarge(length: length, maximum: self.maximumFrameSize)
        }
        var maskKey: WebSocketMaskingKey?
        if second & 0x80 != 0 {
            maskKey = WebSocketMaskingKey(bytes.viewBytes(at: index, length: 4)!)
        }
        return Header(
            fin: fin,
            rsv1: first & 0x40 != 0,
            rsv2: first & 0x20 != 0,
            rsv3: first & 0x10 != 0,
            opcode: opcode,
            maskKey: maskKey,
            length: Int(length)
        )
    }
}
