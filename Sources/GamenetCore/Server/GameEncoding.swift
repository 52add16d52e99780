/// The form messages take on a connection: the binary codec, or JSON in WebSocket text frames.
package enum GameEncoding: Hashable, Sendable {
    case binary
    case json
}
