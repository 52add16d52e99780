import NIOCore

// The session life cycle: handshake, new session, resume, detach, end.
extension GameServer {
    // MARK: - Handshake

    mutating func handleHandshake(
        _ message: GameMessage,
        encoding: GameEncoding,
        on connection: ConnectionID,
        now: NIODeadline
    ) {
        guard case .clientHello(let hello) = message else {
            self.closeConnection(
                connection,
                reason: .protocolError,
                message: "expected a client hello, got \(message.type.jsonName)",
                encoding: encoding,
                now: now
            )
            return
        }
        let version: UInt16
        do {
            version = try GameProtocolVersion.negotiate(
                offered: hello.versions,
                supported: self.configuration.protocolVersions
            )
        } catch {
            self.closeConnection(
                connection,
                reason: .unsupportedVersion,
                message: error.description,
                encoding: encoding,
                now: now
            )
            return
        }
        guard !self.isShuttingDown else {
            self.closeConnection(
                connection,
                reason: .serverShutdown,
                message: "server shutting down",
                encoding: encoding,
                now: now
            )
            return
        }
        if let resume = hello.resume {
            if let reason = self.resume(resume, on: connection, encoding: encoding, now: now) {
                self.sessions.metrics.resumesRejected[reason, default: 0] += 1
                self.sessions.sendUnsequenced(
                    .resumeRejected(.init(reason: reason, message: Self.explanation(of: reason))),
                    on: connection,
                    encoding: encoding
                )
            } else {
                return
            }
        }
        self.startSession(version: version, on: connection, encoding: encoding, now: now)
    }

    private static func explanation(of reason: ResumeRejectionReason) -> String {
        switch reason {
        case .unknownSession: return "no such session; its resume window may have passed"
        case .wrongKey: return "the key does not match the session"
        case .replayOverflow: return "missed messages no longer fit the replay buffer; join your rooms again"
        case .sequenceAhead: return "the last received sequence number is ahead of the server's"
        default: return "resume refused"
        }
    }

    private mutating func startSession(
        version: UInt16,
        on connection: ConnectionID,
        encoding: GameEncoding,
        now: NIODeadline
    ) {
        guard self.sessions.sessions.count < self.configuration.maximumSessions else {
            self.closeConnection(connection, reason: .serverFull, message: "server full", encoding: encoding, now: now)
            return
        }
        let id = self.nextSessionID
        self.nextSessionID += 1
        let key = SessionKey(high: self.keyGenerator.next(), low: self.keyGenerator.next())
        let session = GameSession(
            id: id,
            key: key,
            connection: connection,
            encoding: encoding,
            configuration: self.configuration,
            now: now
        )
        self.sessions[id] = session
        self.connections[connection] = Connection(sessionID: id)
        self.sessions.metrics.sessionsStarted += 1
        let configuration = self.configuration
        self.sessions.sendUnsequenced(
            .hello(
                .init(
                    version: version,
                    sessionID: id,
                    key: key,
                    heartbeatIntervalMilliseconds: Self.milliseconds(configuration.heartbeatInterval),
                    udpPort: configuration.udpPort,
                    udpKeepaliveIntervalMilliseconds: Self.milliseconds(configuration.udpKeepaliveInterval),
                    maximumMessageSize: UInt32(clamping: configuration.maximumMessageSize),
                    maximumRooms: UInt16(clamping: configuration.maximumRoomsPerSession),
                    messagesPerSecond: UInt32(clamping: configuration.messagesPerSecond),
                    resumeWindowMilliseconds: Self.milliseconds(configuration.resumeWindow)
                )
            ),
            to: id
        )
        self.scheduleHeartbeat(for: id, now: now)
    }

    static func milliseconds(_ amount: TimeAmount) -> UInt32 {
        UInt32(clamping: max(amount.nanoseconds, 0) / 1_000_000)
    }

    // MARK: - Resume

    /// Attaches a detached (or still attached) session to a new connection and replays what the client missed; the
    /// reason for refusing, or `nil` when the session is resumed.
    private mutating func resume(
        _ request: GameMessage.ResumeRequest,
        on connection: ConnectionID,
        encoding: GameEncoding,
        now: NIODeadline
    ) -> ResumeRejectionReason? {
        guard var session = self.sessions[request.sessionID] else { return .unknownSession }
        guard session.key.matchesInConstantTime(request.key) else {
            // A wrong key leaves the session alone: guessing must not be a way to end someone's session.
            self.sessions.metrics.countDrop(.wrongKey)
            return .wrongKey
        }
        let replay: [ReplayBuffer.Entry]
        switch session.replay.messages(after: request.lastReceivedSequence) {
        case .success(let entries):
            replay = entries
        case .failure(let error):
            // The client must start over with a new session; free the rooms this one holds.
            self.endSession(session.id, goodbye: nil, message: "", now: now)
            return error == .overflow ? .replayOverflow : .sequenceAhead
        }
        if let previous = session.connection {
            // The client lost a connection the server has not noticed yet; the newest one wins.
            self.closeConnection(
                previous,
                reason: .replaced,
                message: "session resumed on another connection",
                encoding: session.encoding,
                now: now
            )
            session = self.sessions[request.sessionID] ?? session
        }
        session.connection = connection
        session.encoding = encoding
        session.resumeDeadline = nil
        session.queuedBytes = 0
        session.isCutOff = false
        session.lastHeard = now
        session.lastActivity = now
        self.sessions[session.id] = session
        self.connections[connection] = Connection(sessionID: session.id)
        self.sessions.metrics.sessionsResumed += 1
        self.sessions.sendUnsequenced(
            .resumeAccepted(
                .init(
                    sessionID: session.id,
                    lastSequence: session.lastSequence,
                    rooms: session.rooms.sorted().map(\.roomName)
                )
            ),
            to: session.id
        )
        for entry in replay {
            self.sessions.resend(entry, to: session.id)
        }
        self.scheduleHeartbeat(for: session.id, now: now)
        return nil
    }

    // MARK: - Detach and end

    /// The session lost its connection: it keeps its rooms and goes on collecting sequenced messages until it is
    /// resumed or its window ends. Its UDP side closes with the connection.
    mutating func detach(_ sessionID: UInt64, now: NIODeadline) {
        guard var session = self.sessions[sessionID], session.connection != nil else { return }
        session.connection = nil
        session.udpAddress = nil
        session.heartbeatDeadline = nil
        let deadline = now + self.configuration.resumeWindow
        session.resumeDeadline = deadline
        self.sessions[sessionID] = session
        self.timers.insert(.resumeExpiry(session: sessionID, due: deadline), at: deadline)
    }

    /// Ends a session for good: a goodbye on its connection if it has one and `goodbye` is given, then out of every
    /// room (the others see `memberExited` with `sessionEnded`), and every request to or from it settled.
    mutating func endSession(_ sessionID: UInt64, goodbye: GoodbyeReason?, message: String, now: NIODeadline) {
        guard let session = self.sessions[sessionID] else { return }
        if let reason = goodbye {
            self.sessions.metrics.sessionsEnded[reason, default: 0] += 1
        }
        if let connection = session.connection {
            self.connections[connection] = Connection(sessionID: nil)
            self.closeConnection(
                connection,
                reason: goodbye ?? .replaced,
                message: goodbye == nil ? "session ended" : message,
                encoding: session.encoding,
                now: now
            )
        }
        self.sessions[sessionID] = nil
        for address in session.rooms.sorted() {
            self.removeMember(sessionID, from: address, reason: .sessionEnded)
        }
        for key in session.incomingRequests.sorted(by: {
            ($0.requesterID, $0.requestID) < ($1.requesterID, $1.requestID)
        }) {
            self.failRequest(key, reason: .recipientGone)
        }
        for (requestID, pending) in session.pendingRequests {
            self.sessions[pending.recipientID]?.incomingRequests.remove(
                .init(requesterID: sessionID, requestID: requestID)
            )
        }
    }
}
