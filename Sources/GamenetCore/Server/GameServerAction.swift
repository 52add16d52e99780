import NIOCore

/// What the runtime must do for the server: the state machine's only output besides its timers.
package enum GameServerAction: Equatable {
    /// Write `frame` on the reliable connection.
    case send(ConnectionID, OutboundFrame)
    /// Send `datagram` (binary, one frame) from the UDP port to `address`.
    case sendDatagram(SocketAddress, ByteBuffer)
    /// Close the connection once what was sent before is written; `reason` is for logs and counters.
    case close(ConnectionID, GoodbyeReason)
}
