import NIOCore

// Handshake, heartbeat, resume-window and request timers.
extension GameServer {
    /// Runs every timer due at `now`.
    package mutating func tick(now: NIODeadline) -> [GameServerAction] {
        while let timer = self.timers.popDue(now: now) {
            switch timer {
            case .handshake(let connection):
                guard let state = self.connections[connection], state.sessionID == nil else { continue }
                self.closeConnection(
                    connection,
                    reason: .handshakeTimeout,
                    message: "no client hello within \(self.configuration.handshakeTimeout)",
                    encoding: .binary,
                    now: now
                )
            case .heartbeat(let sessionID, let due):
                guard let session = self.sessions[sessionID], session.heartbeatDeadline == due else { continue }
                self.heartbeat(session, now: now)
            case .resumeExpiry(let sessionID, let due):
                guard let session = self.sessions[sessionID], session.resumeDeadline == due else { continue }
                self.sessions.metrics.sessionsExpired += 1
                self.endSession(sessionID, goodbye: nil, message: "", now: now)
            case .request(let key, let due):
                guard self.sessions[key.requesterID]?.pendingRequests[key.requestID]?.deadline == due else { continue }
                self.failRequest(key, reason: .timeout)
            }
        }
        return self.finish(now: now)
    }

    mutating func scheduleHeartbeat(for sessionID: UInt64, now: NIODeadline) {
        let due = now + self.configuration.heartbeatInterval
        self.sessions[sessionID]?.heartbeatDeadline = due
        self.timers.insert(.heartbeat(session: sessionID, due: due), at: due)
    }

    private mutating func heartbeat(_ session: GameSession, now: NIODeadline) {
        guard let connection = session.connection else { return }
        if now - session.lastHeard >= self.configuration.deadPeerTimeout {
            // The link may be gone without a close; the session keeps its resume window.
            self.closeConnection(
                connection,
                reason: .deadPeer,
                message: "no answer for \(self.configuration.deadPeerTimeout)",
                encoding: session.encoding,
                now: now
            )
            return
        }
        if let idleTimeout = self.configuration.idleTimeout, now - session.lastActivity >= idleTimeout {
            self.endSession(session.id, goodbye: .idleTimeout, message: "idle for \(idleTimeout)", now: now)
            return
        }
        let timestamp = Self.timestamp(now)
        self.sessions[session.id]?.outstandingPing = timestamp
        self.sessions.sendUnsequenced(.ping(.init(timestamp: timestamp)), to: session.id)
        self.scheduleHeartbeat(for: session.id, now: now)
    }
}
