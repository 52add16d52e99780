import NIOCore

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
    package let sequence: UInt64?
    /// The message as encoded once for all its recipients.
    package let encoded: EncodedGameMessage
    /// The connection's encoding.
    package let encoding: GameEncoding
    /// The size of the frame on a message transport (the payload of its WebSocket frame, its KCP message), which the
    /// outgoing queue bound counts.
    package let byteCount: Int

    package init(sequence: UInt64?, encoded: EncodedGameMessage, encoding: GameEncoding) {
        self.sequence = sequence
        self.encoded = encoded
        self.encoding = encoding
        let body = encoded.bodyByteCount(for: encoding)
        switch (sequence, encoding) {
        case (nil, _): self.byteCount = body
        case (.some, .binary): self.byteCount = body + 9
        // `{"seq":` and `,` added, the body's `{` shared.
        case (.some(let sequence), .json): self.byteCount = body + 7 + Self.decimalDigits(sequence)
        }
    }

    /// The message.
    package var message: GameMessage { self.encoded.message }

    /// The shared bytes of the message, without the sequence number.
    package var body: ByteBuffer { self.encoded.body(for: self.encoding) }

    /// The whole frame as one buffer: for a WebSocket frame, a KCP message or a datagram when `isStream` is false, and
    /// with the length prefix for a byte stream when it is true. JSON frames are for WebSocket text frames only.
    package func serialized(forStream isStream: Bool = false) -> ByteBuffer {
        var bytes = ByteBuffer()
        self.write(into: &bytes, framing: isStream ? .stream : .message)
        return bytes
    }

    /// Appends the frame as it goes on the wire with `framing`: the framing's header, the sequence number (a 9-byte
    /// header in binary, a `"seq"` key spliced in front of the others in JSON) and the shared body.
    ///
    /// A room broadcast calls this once per member and message, so it makes room once and stores every part through
    /// one pointer: the buffer's checks run once per frame, not once per field.
    package func write(into buffer: inout ByteBuffer, framing: Framing) {
        let size = self.wireSize(framing: framing)
        self.body.withUnsafeReadableBytes { body in
            _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
                var at = self.writeHeader(into: out, framing: framing)
                guard let sequence = self.sequence else {
                    Self.copy(body, into: out, at: &at)
                    return at
                }
                switch self.encoding {
                case .binary:
                    out[at] = GameFrame.sequencedType
                    out.storeBytes(of: sequence.bigEndian, toByteOffset: at + 1, as: UInt64.self)
                    at += 9
                    Self.copy(body, into: out, at: &at)
                case .json:
                    // `{"seq":N,` then the body without its opening brace: the same text GameJSONCodec.sequenced makes.
                    let key: StaticString = #"{"seq":"#
                    Self.copy(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), into: out, at: &at)
                    Self.writeDecimal(sequence, into: out, at: &at)
                    out[at] = UInt8(ascii: ",")
                    at += 1
                    Self.copy(UnsafeRawBufferPointer(rebasing: body.dropFirst()), into: out, at: &at)
                }
                return at
            }
        }
    }

    /// The size of the frame on the wire with `framing`, which ``write(into:framing:)`` writes.
    package func wireSize(framing: Framing) -> Int {
        switch framing {
        case .message: return self.byteCount
        case .stream: return 4 + self.byteCount
        case .webSocket: return ByteBuffer.webSocketFrameHeaderSize(payloadLength: self.byteCount) + self.byteCount
        }
    }

    /// Stores the framing's header at the start of `out`; returns its size.
    private func writeHeader(into out: UnsafeMutableRawBufferPointer, framing: Framing) -> Int {
        let length = self.byteCount
        switch framing {
        case .message:
            return 0
        case .stream:
            out.storeBytes(of: UInt32(length).bigEndian, as: UInt32.self)
            return 4
        case .webSocket:
            // RFC 6455 §5.2: FIN and the opcode, then the length in its shortest form; a server does not mask.
            out[0] = 0x80 | (self.encoding == .json ? 0x1 : 0x2)
            switch length {
            case 0...125:
                out[1] = UInt8(length)
                return 2
            case 126...Int(UInt16.max):
                out[1] = 126
                out.storeBytes(of: UInt16(length).bigEndian, toByteOffset: 2, as: UInt16.self)
                return 4
            default:
                out[1] = 127
                out.storeBytes(of: UInt64(length).bigEndian, toByteOffset: 2, as: UInt64.self)
                return 10
            }
        }
    }

    private static func copy(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, at: inout Int) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (out.baseAddress! + at).copyMemory(from: source, byteCount: bytes.count)
        at += bytes.count
    }

    /// Stores `value` in decimal ASCII, without making a `String`.
    private static func writeDecimal(_ value: UInt64, into out: UnsafeMutableRawBufferPointer, at: inout Int) {
        let digits = Self.decimalDigits(value)
        var rest = value
        for index in stride(from: at + digits - 1, through: at, by: -1) {
            out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        at += digits
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
