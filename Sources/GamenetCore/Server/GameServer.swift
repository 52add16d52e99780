import NIOCore

/// The game server's sessions, rooms and limits as a pure state machine.
///
/// The runtime numbers each reliable connection, feeds in what arrives with the time it arrived (`now`), and carries
/// out the ``GameServerAction``s each call returns: frames to write, datagrams to send, connections to close. It
/// arms one timer for ``nextDeadline`` and calls ``tick(now:)`` when it fires. Nothing here reads a clock or a global
/// random generator: session keys come from the generator given at start (the runtime passes
/// `SystemRandomNumberGenerator`), so tests drive hours of virtual time in milliseconds and get the same result
/// every run.
package struct GameServer {
    /// A timer the server armed; a timer that no longer applies is ignored when it fires.
    enum Timer {
        case handshake(ConnectionID)
        case heartbeat(session: UInt64, due: NIODeadline)
        case resumeExpiry(session: UInt64, due: NIODeadline)
        case request(GameSession.RequestKey, due: NIODeadline)
    }

    /// A reliable connection and its session once the handshake is done.
    struct Connection {
        var sessionID: UInt64?
    }

    package let configuration: GameServerConfiguration
    var sessions: SessionTable
    var rooms: [RoomAddress: Room] = [:]
    var connections: [ConnectionID: Connection] = [:]
    var timers = DeadlineQueue<Timer>()
    var keyGenerator: any RandomNumberGenerator
    var nextSessionID: UInt64 = 1
    /// Whether ``shutdown(now:)`` was called: new sessions are refused.
    package private(set) var isShuttingDown = false

    /// A server with no sessions.
    /// - Parameters:
    ///   - configuration: the limits and timers.
    ///   - keyGenerator: the source of session keys; a cryptographically secure one outside tests.
    package init(configuration: GameServerConfiguration, keyGenerator: some RandomNumberGenerator) {
        self.configuration = configuration
        self.sessions = SessionTable(outgoingQueueLimit: configuration.outgoingQueueLimit)
        self.keyGenerator = keyGenerator
    }

    // MARK: - State for observers

    /// The counters for metrics, with the current numbers of sessions and rooms.
    package var metrics: GameServerMetrics {
        var metrics = self.sessions.metrics
        metrics.sessions = self.sessions.sessions.count
        metrics.connectedSessions = self.sessions.sessions.values.count { $0.isConnected }
        metrics.rooms = self.rooms.count
        return metrics
    }

    /// The earliest time ``tick(now:)`` has something to do.
    package var nextDeadline: NIODeadline? { self.timers.earliest }

    /// The ids of every session, connected or waiting for a resume.
    package var sessionIDs: [UInt64] { Array(self.sessions.sessions.keys) }

    /// A session by id.
    package func session(_ id: UInt64) -> GameSession? { self.sessions[id] }

    /// The session of a connection, once its handshake is done.
    package func sessionID(of connection: ConnectionID) -> UInt64? { self.connections[connection]?.sessionID }

    /// A room by address.
    package func room(_ address: RoomAddress) -> Room? { self.rooms[address] }

    /// Every room's address.
    package var roomAddresses: [RoomAddress] { Array(self.rooms.keys) }

    // MARK: - Connections

    /// A reliable connection was accepted; it has the handshake timeout to send its client hello.
    package mutating func connectionOpened(_ connection: ConnectionID, now: NIODeadline) -> [GameServerAction] {
        self.connections[connection] = Connection()
        self.timers.insert(.handshake(connection), at: now + self.configuration.handshakeTimeout)
        return self.finish(now: now)
    }

    /// One message arrived on a reliable connection: a length-prefixed block of a stream (without its prefix), a KCP
    /// message, or a WebSocket frame (`.binary` for binary frames, `.json` for text frames).
    /// Takes back the actions of a call once they are carried out, so that the next call can fill the same array.
    package mutating func recycle(_ actions: consuming [GameServerAction]) {
        self.sessions.recycle(actions)
    }

    package mutating func receive(
        _ bytes: ByteBuffer,
        encoding: GameEncoding,
        on connection: ConnectionID,
        now: NIODeadline
    ) -> [GameServerAction] {
        guard let state = self.connections[connection] else {
            self.sessions.metrics.countDrop(.noSession)
            return []
        }
        self.sessions.metrics.messagesIn += 1
        self.sessions.metrics.bytesIn += bytes.readableBytes
        let message: GameMessage
        do {
            message = try Self.decode(bytes, encoding: encoding, limit: self.configuration.maximumMessageSize)
        } catch {
            self.sessions.metrics.countDrop(.malformed)
            if let sessionID = state.sessionID {
                // Garbage counts against the rate like any message, so a flood of it is cut off too.
                if self.admit(from: sessionID, now: now) {
                    let code: GameErrorCode = error.isTooLarge ? .messageTooLarge : .malformedMessage
                    self.sessions.sendSequenced(.error(.init(code: code, message: error.description)), to: sessionID)
                }
            } else {
                // Whatever sent this first is not a gamenet client.
                self.closeConnection(
                    connection,
                    reason: .protocolError,
                    message: error.description,
                    encoding: encoding,
                    now: now
                )
            }
            return self.finish(now: now)
        }
        guard let sessionID = state.sessionID else {
            self.handleHandshake(message, encoding: encoding, on: connection, now: now)
            return self.finish(now: now)
        }
        self.handle(message, from: sessionID, overUDP: nil, now: now)
        return self.finish(now: now)
    }

    /// The framing of a stream broke (a length prefix over the maximum): the stream cannot go on.
    package mutating func connectionFailed(
        _ connection: ConnectionID,
        error: GameProtocolError,
        now: NIODeadline
    ) -> [GameServerAction] {
        guard let state = self.connections[connection] else { return [] }
        self.sessions.metrics.countDrop(.malformed)
        let reason: GoodbyeReason = error.isTooLarge ? .messageTooLarge : .protocolError
        if let sessionID = state.sessionID {
            self.endSession(sessionID, goodbye: reason, message: error.description, now: now)
        } else {
            self.closeConnection(connection, reason: reason, message: error.description, encoding: .binary, now: now)
        }
        return self.finish(now: now)
    }

    /// The connection closed. Its session, if any, keeps its rooms and messages for the resume window.
    package mutating func connectionClosed(_ connection: ConnectionID, now: NIODeadline) -> [GameServerAction] {
        guard let state = self.connections.removeValue(forKey: connection) else { return [] }
        if let sessionID = state.sessionID {
            self.detach(sessionID, now: now)
        }
        return self.finish(now: now)
    }

    /// The runtime's count of bytes written to the connection and not yet sent (its channel's buffered bytes).
    package mutating func pendingBytesChanged(
        _ bytes: Int,
        on connection: ConnectionID,
        now: NIODeadline
    ) -> [GameServerAction] {
        guard let sessionID = self.connections[connection]?.sessionID, self.sessions.contains(sessionID) else {
            return []
        }
        self.sessions[sessionID]?.queuedBytes = bytes
        if bytes > self.configuration.outgoingQueueLimit {
            self.endSession(sessionID, goodbye: .slowConsumer, message: "outgoing queue over its limit", now: now)
        }
        return self.finish(now: now)
    }

    /// Ends a session at the operator's request.
    package mutating func kick(_ sessionID: UInt64, now: NIODeadline) -> [GameServerAction] {
        self.endSession(sessionID, goodbye: .kicked, message: "removed by the server", now: now)
        return self.finish(now: now)
    }

    /// Tells every connected client that the server is going away and closes every connection; new client hellos
    /// are refused from now on.
    package mutating func shutdown(now: NIODeadline) -> [GameServerAction] {
        self.isShuttingDown = true
        for connection in self.connections.keys.sorted() {
            self.closeConnection(
                connection,
                reason: .serverShutdown,
                message: "server shutting down",
                encoding: self.encoding(of: connection),
                now: now
            )
        }
        return self.finish(now: now)
    }

    // MARK: - Shared steps

    static func decode(_ bytes: ByteBuffer, encoding: GameEncoding, limit: Int) throws(GameProtocolError) -> GameMessage
    {
        switch encoding {
        case .binary:
            switch try GameCodec.decode(bytes, maximumMessageSize: limit) {
            case .message(let message):
                return message
            case .sequenced, .datagram:
                // Only the server numbers messages, and datagram frames belong on the UDP port.
                throw .unknownMessageType(bytes.getInteger(at: bytes.readerIndex) ?? 0)
            }
        case .json:
            return try GameJSONCodec.decode(bytes, maximumMessageSize: limit).message
        }
    }

    func encoding(of connection: ConnectionID) -> GameEncoding {
        self.connections[connection]?.sessionID.flatMap { self.sessions[$0]?.encoding } ?? .binary
    }

    /// Sends a goodbye and closes a connection; its session, if any, is detached, not ended.
    mutating func closeConnection(
        _ connection: ConnectionID,
        reason: GoodbyeReason,
        message: String,
        encoding: GameEncoding,
        now: NIODeadline
    ) {
        guard let state = self.connections.removeValue(forKey: connection) else { return }
        self.sessions.sendUnsequenced(
            .goodbye(.init(reason: reason, message: String(message.utf8.prefix(GameCodec.textLimit)) ?? "")),
            on: connection,
            encoding: encoding
        )
        self.sessions.close(connection, reason: reason)
        if let sessionID = state.sessionID {
            self.detach(sessionID, now: now)
        }
    }

    /// Ends the actions of one input: cuts off the slow consumers the fan-out found.
    mutating func finish(now: NIODeadline) -> [GameServerAction] {
        var slow = self.sessions.takeSlowConsumers()
        while !slow.isEmpty {
            for sessionID in slow {
                self.endSession(sessionID, goodbye: .slowConsumer, message: "outgoing queue over its limit", now: now)
            }
            slow = self.sessions.takeSlowConsumers()
        }
        return self.sessions.takeActions()
    }
}

extension GameProtocolError {
    var isTooLarge: Bool {
        if case .messageTooLarge = self { return true }
        return false
    }
}
