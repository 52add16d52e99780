/// Why the server dropped an incoming message or datagram, for the drop counters.
package enum GameDropCause: String, Hashable, Sendable, CaseIterable {
    /// A message or datagram that did not decode.
    case malformed
    /// A message over the session's rate.
    case rateLimited
    /// A datagram for a session id that does not exist.
    case unknownSession
    /// A datagram or resume request with the wrong key.
    case wrongKey
    /// A datagram that is not a datagram frame, or carries a message not allowed on UDP.
    case unexpectedDatagram
    /// A datagram for a session whose reliable connection is down.
    case detachedSession
    /// An unreliable message for a session that is not connected.
    case unreliableUndeliverable
    /// An acknowledgement for a request that timed out or never existed.
    case lateAck
    /// A message on a connection that has no session (before the hello, or after a close).
    case noSession
}
