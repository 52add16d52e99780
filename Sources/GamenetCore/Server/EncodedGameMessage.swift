import NIOCore

/// A message from the server encoded once, shared by every session it goes to.
///
/// A room broadcast is encoded into one binary buffer; every member's frame, and every member's replay buffer,
/// holds that same `ByteBuffer` (one storage, reference counted). The JSON text is made on first use by a JSON
/// member and then shared the same way. The per-session sequence number is not part of these bytes: it travels in
/// a 9-byte header (binary) or a spliced `"seq"` key (JSON), see ``OutboundFrame``.
package final class EncodedGameMessage {
    /// The message.
    package let message: GameMessage
    /// Whether the message is sequenced and kept for replay.
    package let channel: GameChannel
    /// The binary form of the message, without a sequence header.
    package let binary: ByteBuffer
    // Read for every JSON member of a room on every message; the server runs on one event loop, so the runtime's
    // exclusivity check would only cost time.
    @exclusivity(unchecked) private var jsonText: ByteBuffer?
    @exclusivity(unchecked) private var jsonByteCount = 0

    /// Encodes `message` once.
    package init(_ message: GameMessage, channel: GameChannel) throws(GameProtocolError) {
        self.message = message
        self.channel = channel
        var buffer = ByteBuffer()
        // Room for the whole message at once: grown from nothing, a buffer is reallocated several times on the way.
        buffer.reserveCapacity(Self.binarySizeEstimate(of: message))
        try message.writeBinary(into: &buffer)
        self.binary = buffer
    }

    /// About the size of the binary form of `message`: exact enough for a room message, the one encoded most.
    private static func binarySizeEstimate(of message: GameMessage) -> Int {
        guard case .roomMessage(let roomMessage) = message else { return 64 }
        return 32 + roomMessage.namespace.utf8.count + roomMessage.room.utf8.count
            + (roomMessage.senderName?.utf8.count ?? 0) + roomMessage.payload.count
    }

    /// The encoded message in `encoding`, without its sequence number.
    package func body(for encoding: GameEncoding) -> ByteBuffer {
        switch encoding {
        case .binary:
            return self.binary
        case .json:
            if let text = self.jsonText { return text }
            return self.makeJSON()
        }
    }

    /// The size of ``body(for:)``, without handing out the buffer (a room's fan-out asks for it for every member).
    package func bodyByteCount(for encoding: GameEncoding) -> Int {
        switch encoding {
        case .binary:
            return self.binary.readableBytes
        case .json:
            if self.jsonText == nil {
                _ = self.makeJSON()
            }
            return self.jsonByteCount
        }
    }

    private func makeJSON() -> ByteBuffer {
        // A message that has a binary form has a JSON form: every field type maps to JSON.
        let text = (try? GameJSONCodec.encode(self.message)) ?? ByteBuffer(string: "{}")
        self.jsonText = text
        self.jsonByteCount = text.readableBytes
        return text
    }
}

@available(*, unavailable)
extension EncodedGameMessage: Sendable {}

extension EncodedGameMessage: Equatable {
    package static func == (lhs: EncodedGameMessage, rhs: EncodedGameMessage) -> Bool {
        lhs === rhs || (lhs.message == rhs.message && lhs.channel == rhs.channel)
    }
}
