import NIOCore

/// One whole WebSocket message, reassembled from its frames.
package struct WebSocketMessage: Hashable, Sendable {
    /// Whether the message is text (valid UTF-8) rather than binary.
    package var isText: Bool
    package var data: ByteBuffer

    package init(isText: Bool, data: ByteBuffer) {
        self.isText = isText
        self.data = data
    }
}
