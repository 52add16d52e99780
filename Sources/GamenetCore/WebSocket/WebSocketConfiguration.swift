import NIOCore

/// The limits and timers of a WebSocket connection, shared by server and client.
package struct WebSocketConfiguration: Hashable, Sendable {
    /// The largest message accepted; a longer one closes the connection with 1009 (RFC 6455 §7.4.1).
    package var maximumMessageSize: Int = 16 * 1024 * 1024
    /// Send a ping after this long without hearing from the peer, if set.
    package var pingInterval: TimeAmount?
    /// Close the connection when nothing at all is heard for this long after a ping.
    package var pingTimeout: TimeAmount = .seconds(10)
    /// How long to wait for the peer's answer to our close frame before closing the TCP connection anyway.
    package var closeTimeout: TimeAmount = .seconds(3)

    /// Send every message back on the connection it came from, from within ``WebSocketHandler`` (`serve --echo`):
    /// no handler above it, and one pipeline hop less per message.
    package var echoesMessages = false

    package init() {}
}
