// The messages of the UDP side of a session.
extension GameMessage {
    /// The acknowledgement of a `udpBind`, sent to the address the bind came from.
    package struct UDPBound: Hashable, Sendable, Codable {
        /// The id of the session now bound to that address.
        package var sessionID: UInt64

        package init(sessionID: UInt64) {
            self.sessionID = sessionID
        }
    }
}
