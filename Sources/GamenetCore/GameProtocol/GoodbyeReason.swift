/// Why a session ends: the reason code of a `goodbye` message.
///
/// A struct over the raw code rather than an enum, so a code added by a later server still decodes (as
/// NIO's `HTTPResponseStatus` keeps unknown statuses).
package struct GoodbyeReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The sender is done; a client's goodbye ends its session at once, without a resume window.
    package static let normal = GoodbyeReason(rawValue: 0)

    /// The server is shutting down; a client may reconnect to another server.
    package static let serverShutdown = GoodbyeReason(rawValue: 1)

    /// The client did not read fast enough and its outgoing queue passed its bound.
    package static let slowConsumer = GoodbyeReason(rawValue: 2)

    /// The client kept sending faster than its message rate after a warning.
    package static let rateLimit = GoodbyeReason(rawValue: 3)

    /// The client sent nothing but heartbeats for the idle timeout.
    package static let idleTimeout = GoodbyeReason(rawValue: 4)

    /// The client answered no heartbeat for the dead-peer timeout.
    package static let deadPeer = GoodbyeReason(rawValue: 5)

    /// The client sent no client hello in time.
    package static let handshakeTimeout = GoodbyeReason(rawValue: 6)

    /// The server's operator removed the session.
    package static let kicked = GoodbyeReason(rawValue: 7)

    /// The client sent bytes that break the framing, so the stream cannot go on.
    package static let protocolError = GoodbyeReason(rawValue: 8)

    /// The client offered no protocol version the server speaks.
    package static let unsupportedVersion = GoodbyeReason(rawValue: 9)

    /// Another connection resumed this session; this one is closed.
    package static let replaced = GoodbyeReason(rawValue: 10)

    /// A length prefix over the maximum message size: the stream cannot be resynchronised.
    package static let messageTooLarge = GoodbyeReason(rawValue: 11)

    /// The server has reached its maximum number of sessions.
    package static let serverFull = GoodbyeReason(rawValue: 12)

    /// Every code this version defines.
    package static let allKnown: [GoodbyeReason] = [
        .normal, .serverShutdown, .slowConsumer, .rateLimit, .idleTimeout, .deadPeer, .handshakeTimeout, .kicked,
        .protocolError, .unsupportedVersion, .replaced, .messageTooLarge, .serverFull,
    ]

    /// The code's name in this documentation, or its number when this version does not define it.
    package var name: String {
        switch self.rawValue {
        case 0: return "normal"
        case 1: return "serverShutdown"
        case 2: return "slowConsumer"
        case 3: return "rateLimit"
        case 4: return "idleTimeout"
        case 5: return "deadPeer"
        case 6: return "handshakeTimeout"
        case 7: return "kicked"
        case 8: return "protocolError"
        case 9: return "unsupportedVersion"
        case 10: return "replaced"
        case 11: return "messageTooLarge"
        case 12: return "serverFull"
        default: return String(self.rawValue)
        }
    }

    package var description: String { "\(self.name) (\(self.rawValue))" }
}
