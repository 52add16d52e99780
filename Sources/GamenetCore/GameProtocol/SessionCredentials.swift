/// A session's id and key: what a datagram on the UDP port and a resume request present to name their session.
package struct SessionCredentials: Hashable, Sendable, Codable {
    /// The session id from the server's hello.
    package var sessionID: UInt64
    /// The session key from the server's hello.
    package var key: SessionKey

    package init(sessionID: UInt64, key: SessionKey) {
        self.sessionID = sessionID
        self.key = key
    }
}
