import NIOCore

/// One message for one session's reliable connection: the shared encoded message and, when it is sequenced, the
/// session's sequence number for it.
package struct OutboundFrame: Equatable {
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

    /// The bytes before ``body`` on the wire: the length prefix on a byte stream, and the sequence header of a
    /// binary sequenced frame. A runtime can write this and the shared body as two buffers.
    package func header(forStream isStream: Bool) -> ByteBuffer {
        var header = ByteBuffer()
        let sequenceHeaderSize = self.sequence == nil || self.encoding == .json ? 0 : 9
        if isStream {
            header.writeInteger(UInt32(sequenceHeaderSize + self.body.readableBytes))
        }
        if let sequence = self.sequence, self.encoding == .binary {
            header.writeInteger(GameFrame.sequencedType)
            header.writeInteger(sequence)
        }
        return header
    }

    /// The whole frame as one buffer: for a WebSocket frame, a KCP message or a datagram when `isStream` is false, and
    /// with the length prefix for a byte stream when it is true. JSON frames are for WebSocket text frames only.
    package func serialized(forStream isStream: Bool = false) -> ByteBuffer {
        if let sequence = self.sequence, self.encoding == .json {
            return GameJSONCodec.sequenced(self.body, sequence: sequence)
        }
        var bytes = self.header(forStream: isStream)
        bytes.writeImmutableBuffer(self.body)
        return bytes
    }

    /// The size of the frame on a message transport, which the outgoing queue bound counts.
    package var byteCount: Int {
        let body = self.body.readableBytes
        guard let sequence = self.sequence else { return body }
        switch self.encoding {
        case .binary: return body + 9
        case .json: return body + 8 + String(sequence).utf8.count
        }
    }
}
