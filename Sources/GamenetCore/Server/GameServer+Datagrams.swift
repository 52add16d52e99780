import NIOCore

// The UDP side of sessions: datagram frames that carry (id, key), as in the KCP wiki's "Cooperate With Tcp Server".
extension GameServer {
    /// A raw datagram (not KCP) arrived on the UDP port from `address`.
    ///
    /// Only a datagram frame with a known session id and its key is accepted, from any address: the address of the
    /// last such datagram becomes the session's, so a NAT rebinding or a change of network keeps the session. Nothing
    /// is ever sent back to a datagram that fails these checks, so the port cannot be used to reflect traffic.
    package mutating func receiveDatagram(
        _ bytes: ByteBuffer,
        from address: SocketAddress,
        now: NIODeadline
    ) -> [GameServerAction] {
        self.sessions.metrics.datagramsIn += 1
        self.sessions.metrics.messagesIn += 1
        self.sessions.metrics.bytesIn += bytes.readableBytes
        guard let frame = try? GameCodec.decode(bytes, maximumMessageSize: self.configuration.maximumMessageSize)
        else {
            self.sessions.metrics.countDrop(.malformed)
            return self.finish(now: now)
        }
        guard case .datagram(let credentials, let message) = frame else {
            self.sessions.metrics.countDrop(.unexpectedDatagram)
            return self.finish(now: now)
        }
        guard let key = self.sessions[credentials.sessionID]?.key else {
            self.sessions.metrics.countDrop(.unknownSession)
            return self.finish(now: now)
        }
        guard key.matchesInConstantTime(credentials.key) else {
            self.sessions.metrics.countDrop(.wrongKey)
            return self.finish(now: now)
        }
        guard self.sessions[credentials.sessionID]?.isConnected == true else {
            // The UDP side lives only while the reliable connection does.
            self.sessions.metrics.countDrop(.detachedSession)
            return self.finish(now: now)
        }
        switch message {
        case .udpBind, .udpKeepalive, .broadcast, .send, .ping, .pong:
            self.sessions[credentials.sessionID]?.udpAddress = address
            self.handle(message, from: credentials.sessionID, overUDP: address, now: now)
        default:
            self.sessions.metrics.countDrop(.unexpectedDatagram)
        }
        return self.finish(now: now)
    }
}
