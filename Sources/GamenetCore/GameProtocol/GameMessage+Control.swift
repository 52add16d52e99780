// Heartbeats, errors and warnings.
extension GameMessage {
    /// Asks the peer for a `pong` echoing the timestamp; the server pings every heartbeat interval.
    package struct Ping: Hashable, Sendable, Codable {
        /// The sender's clock, in any unit it likes (the server uses microseconds); the receiver only echoes it.
        package var timestamp: UInt64

        package init(timestamp: UInt64) {
            self.timestamp = timestamp
        }
    }

    /// The answer to a `ping`; the round-trip time is the sender's clock now minus the echoed timestamp.
    package struct Pong: Hashable, Sendable, Codable {
        /// The `timestamp` of the ping, unchanged.
        package var timestamp: UInt64

        package init(timestamp: UInt64) {
            self.timestamp = timestamp
        }
    }

    /// One message was refused; the session goes on.
    package struct ErrorMessage: Hashable, Sendable, Codable {
        /// What was wrong.
        package var code: GameErrorCode
        /// The reason in words, for logs.
        package var message: String

        package init(code: GameErrorCode, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The server will act if the client goes on.
    package struct Warning: Hashable, Sendable, Codable {
        /// What the client should stop doing.
        package var code: WarningCode
        /// The warning in words, for logs.
        package var message: String

        package init(code: WarningCode, message: String) {
            self.code = code
            self.message = message
        }
    }
}
