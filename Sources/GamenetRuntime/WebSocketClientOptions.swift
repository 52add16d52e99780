import GamenetCore
import NIOCore

/// How gamenet opens a WebSocket connection as a client (`connect ws://…`, a `ws://` proxy target).
package struct WebSocketClientOptions: Sendable {
    /// Extra request headers, as `-H 'Name: value'` gives them.
    package var headers: [(name: String, value: String)] = []
    /// Subprotocols offered in `Sec-WebSocket-Protocol`.
    package var subprotocols: [String] = []
    /// The `Origin` header, if any.
    package var origin: String?
    /// How long the TCP connection and the HTTP upgrade may take together.
    package var handshakeTimeout: TimeAmount = .seconds(10)
    /// Send text frames rather than binary.
    package var sendsText = false
    package var configuration = WebSocketConfiguration()
    /// The local address to connect from, if not the system's choice.
    package var sourceAddress: SocketAddress?

    package init() {}
}
