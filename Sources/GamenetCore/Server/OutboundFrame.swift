import NIOCore
import NIOWebSocket

/// One message for one session's reliable connection: the shared encoded message and, when it is sequenced, the
/// session's sequence number for it.
package struct OutboundFrame: Equatable {
    /// How a connection delimits the frames it carries.
    package enum Framing: Sendable {
        /// One frame per message of the transport (a KCP message, a datagram): the bytes alone.
        case message
        /// A byte stream: a 4-byte big-endian length before each frame.
        case stream
        /// A server's WebSocket frame (RFC 6455 §5.2, unmasked, final): text for JSON, binary for the binary codec.
        case webSocket
    }

    /// The session's sequence number for the message, `nil` for an unsequenced one.
    package var sequence: UInt64?
    /// The message as encoded once for all its recipients.
    package var encoded: EncodedGameMessage
    /// The connection's encoding.
    package var encoding: GameEncoding

    package init(sequence: UInt64?, encoded: EncodedGameMessage, encoding: GameEncoding) {
        self.sequence = sequence
        self.encoded = encoded
        self.encoding = encoding
    }

    /// The message.
    package var message: GameMessage { self.encoded.message }

    /// The shared bytes of the message, without the sequence number.
    package var body: ByteBuffer { self.encoded.body(for: self.encoding) }

    /// The whole frame as one buffer: for a WebSocket frame, a KCP message or a datagram when `isStream` is false, and
    /// with the length prefix for a byte stream when it is true. JSON frames are for WebSocket text frames only.
    package func serialized(forStream isStream: Bool = false) -> ByteBuffer {
        let framing: Framing = isStream ? .stream : .message
        var bytes = ByteBuffer()
        bytes.reserveCapacity(self.wireSize(framing: framing))
        self.write(into: &bytes, framing: framing)
        return bytes
    }

    /// Writes the frame as it goes on the wire with `framing`: the framing's header, the sequence number (a 9-byte
    /// header in binary, a `"seq"` key spliced in front of the others in JSON) and the shared body.
    ///
    /// A room broadcast calls this once per member, into a buffer the caller allocated with ``wireSize(framing:)``;
    /// it allocates nothing else.
    package func write(into buffer: inout ByteBuffer, framing: Framing) {
        let body = self.body
        let payloadLength = self.byteCount
        switch framing {
        case .message:
            break
        case .stream:
            buffer.writeInteger(UInt32(payloadLength))
        case .webSocket:
            buffer.writeWebSocketFrameHeader(opcode: self.encoding == .json ? .text : .binary, payloadLength: payloadLength)
        }
        guard let sequence = self.sequence else {
            buffer.writeImmutableBuffer(body)
            return
        }
        switch self.encoding {
        case .binary:
            buffer.writeInteger(GameFrame.sequencedType)
            buffer.writeInteger(sequence)
            buffer.writeImmutableBuffer(body)
        case .json:
            // `{"seq":N,` then the body without its opening brace: the same text GameJSONCodec.sequenced makes.
            buffer.writeStaticString("{\"seq\":")
            buffer.writeDecimal(sequence)
            buffer.writeInteger(UInt8(ascii: ","))
            buffer.writeImmutableBuffer(body.getSlice(at: body.readerIndex + 1, length: body.readableBytes - 1)!)
        }
    }

    /// The size of the frame on a message transport (the payload of its WebSocket frame, its KCP message), which the
    /// outgoing queue bound counts.
    package var byteCount: Int {
        let body = self.body.readableBytes
        guard let sequence = self.sequence else { return body }
        switch self.encoding {
        case .binary: return body + 9
        // `{"seq":` and `,` added, the body's `{` shared.
        case .json: return body + 7 + Self.decimalDigits(sequence)
        }
    }

    /// The size of the frame on the wire with `framing`, which ``write(into:framing:)`` writes.
    package func wireSize(framing: Framing) -> Int {
        let payloadLength = self.byteCount
        switch framing {
        case .message: return payloadLength
        case .stream: return 4 + payloadLength
        case .webSocket: return ByteBuffer.webSocketFrameHeaderSize(payloadLength: payloadLength) + payloadLength
        }
    }

    private static func decimalDigits(_ value: UInt64) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits
    }
}

extension ByteBuffer {
    /// Writes `value` in decimal ASCII, without making a `String`.
    fileprivate mutating func writeDecimal(_ value: UInt64) {
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)  // 40 bytes: 20 digits fit
        let count = withUnsafeMutableBytes(of: &digits) { scratch in
            var rest = value
            var index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            return scratch.count - index
        }
        withUnsafeBytes(of: &digits) { scratch in
            _ = self.writeBytes(UnsafeRawBufferPointer(rebasing: scratch[(scratch.count - count)...]))
        }
    }
}
