import NIOCore

/// The sessions of one server, and the actions that deliver messages to them.
///
/// As the server's ``RoomFanout`` it gives each sequenced message the recipient's next sequence number, keeps it in
/// the recipient's replay buffer, and writes it to the recipient's connection if it has one. Every frame shares the
/// one encoded buffer. A recipient whose queued bytes pass the outgoing queue limit is marked for cut-off; the
/// server ends those sessions once the fan-out is done.
package struct SessionTable: RoomFanout {
    package private(set) var sessions: [UInt64: GameSession] = [:]
    /// The actions produced since the last ``takeActions()``.
    private var actions: [GameServerAction] = []
    /// An empty array with room, for the next ``takeActions()``.
    private var spareActions: [GameServerAction]?
    /// Sessions that passed their outgoing queue limit, to be cut off.
    private(set) var slowConsumers: [UInt64] = []
    /// The server's counters; the session table keeps them because most of them count deliveries.
    var metrics = GameServerMetrics()
    let outgoingQueueLimit: Int

    init(outgoingQueueLimit: Int) {
        self.outgoingQueueLimit = outgoingQueueLimit
    }

    subscript(id: UInt64) -> GameSession? {
        get { self.sessions[id] }
        // In place, so that changing one field of a session does not copy its buffers.
        _modify { yield &self.sessions[id] }
    }

    /// Whether session `id` exists; unlike `self[id] != nil` it copies nothing.
    func contains(_ id: UInt64) -> Bool {
        self.sessions.index(forKey: id) != nil
    }

    /// Notes that a message arrived from session `id`, in one visit to the session: when it was heard from, when it
    /// last did something (with `activity`), and a token from its rate limiter (with `rated`, else `.accept`).
    /// - Returns: the rate limiter's decision, or `nil` when there is no such session.
    mutating func noteArrival(
        from id: UInt64,
        rated: Bool,
        activity: Bool,
        now: NIODeadline
    ) -> MessageRateLimiter.Decision? {
        guard let index = self.sessions.index(forKey: id) else { return nil }
        return Self.noteArrival(on: &self.sessions.values[index], rated: rated, activity: activity, now: now)
    }

    private static func noteArrival(
        on session: inout GameSession,
        rated: Bool,
        activity: Bool,
        now: NIODeadline
    ) -> MessageRateLimiter.Decision {
        session.lastHeard = now
        let decision = rated ? session.rateLimiter.admit(now: now) : .accept
        if activity, decision == .accept {
            session.lastActivity = now
        }
        return decision
    }

    mutating func takeActions() -> [GameServerAction] {
        // The spare (a recycled array, empty) takes the place of the one handed out, so that a room's fan-out does
        // not allocate a new array for every message.
        var taken = self.spareActions.take() ?? []
        swap(&taken, &self.actions)
        return taken
    }

    /// Takes back an array of actions that were carried out, to be filled again.
    mutating func recycle(_ actions: consuming [GameServerAction]) {
        var actions = actions
        actions.removeAll(keepingCapacity: true)
        if actions.capacity > self.spareActions?.capacity ?? 0 {
            self.spareActions = actions
        }
    }

    mutating func takeSlowConsumers() -> [UInt64] {
        defer { self.slowConsumers.removeAll() }
        return self.slowConsumers
    }

    // MARK: - Delivery

    package mutating func deliver(_ message: EncodedGameMessage, to recipients: some Sequence<UInt64>) {
        for recipient in recipients {
            self.deliver(message, to: recipient)
        }
    }

    /// Delivers one message to one session: sequenced and kept for replay when it is reliable, over UDP when it is
    /// unreliable and the session has bound an address.
    mutating func deliver(_ message: EncodedGameMessage, to recipient: UInt64) {
        // The session is changed where it lies in the dictionary, through `inout`: a copy taken out and put back would
        // copy its replay buffer, and even a copy only read from retains each of its buffers and sets, on every
        // message to every member.
        guard let index = self.sessions.index(forKey: recipient) else { return }
        switch Self.route(message, in: &self.sessions.values[index]) {
        case .nowhere:
            if message.channel == .unreliable {
                self.metrics.countDrop(.unreliableUndeliverable)
            }
        case .connection(let connection, let frame):
            self.write(frame, on: connection, at: index)
        case .datagram(let address):
            self.sendDatagram(message.binary, to: address)
        }
    }

    /// Where one message goes for one session.
    private enum Route {
        case nowhere
        case connection(ConnectionID, OutboundFrame)
        case datagram(SocketAddress)
    }

    /// Numbers a reliable message and keeps it for replay, and decides where a message goes for `session`.
    private static func route(_ message: EncodedGameMessage, in session: inout GameSession) -> Route {
        switch message.channel {
        case .reliable:
            let sequence = session.nextSequence
            session.nextSequence += 1
            session.replay.append(message, sequence: sequence)
            guard let connection = session.connection, !session.isCutOff else { return .nowhere }
            return .connection(
                connection,
                OutboundFrame(sequence: sequence, encoded: message, encoding: session.encoding)
            )
        case .unreliable:
            guard let connection = session.connection, !session.isCutOff else { return .nowhere }
            if let address = session.udpAddress {
                return .datagram(address)
            }
            // No UDP: the reliable connection carries it, unsequenced, as the fallback for blocked UDP.
            return .connection(connection, OutboundFrame(sequence: nil, encoded: message, encoding: session.encoding))
        }
    }

    /// Writes an unsequenced message (handshake, heartbeat, goodbye) on a connection, with or without a session.
    mutating func sendUnsequenced(_ message: GameMessage, on connection: ConnectionID, encoding: GameEncoding) {
        guard let encoded = try? EncodedGameMessage(message, channel: .unreliable) else { return }
        let frame = OutboundFrame(sequence: nil, encoded: encoded, encoding: encoding)
        self.actions.append(.send(connection, frame))
        self.metrics.messagesOut += 1
        self.metrics.bytesOut += frame.byteCount
    }

    /// Writes an unsequenced message to a session's connection, counting it against the outgoing queue.
    mutating func sendUnsequenced(_ message: GameMessage, to sessionID: UInt64) {
        guard let index = self.sessions.index(forKey: sessionID) else { return }
        let session = self.sessions.values[index]
        guard let connection = session.connection, !session.isCutOff,
            let encoded = try? EncodedGameMessage(message, channel: .unreliable)
        else { return }
        self.write(
            OutboundFrame(sequence: nil, encoded: encoded, encoding: session.encoding),
            on: connection,
            at: index
        )
    }

    /// Sends a reliable, sequenced message to one session.
    mutating func sendSequenced(_ message: GameMessage, to sessionID: UInt64) {
        guard let encoded = try? EncodedGameMessage(message, channel: .reliable) else { return }
        self.deliver(encoded, to: sessionID)
    }

    /// Writes a frame that was sequenced earlier (a replay) to the session's connection.
    mutating func resend(_ entry: ReplayBuffer.Entry, to sessionID: UInt64) {
        guard let index = self.sessions.index(forKey: sessionID) else { return }
        let session = self.sessions.values[index]
        guard let connection = session.connection else { return }
        let frame = OutboundFrame(sequence: entry.sequence, encoded: entry.encoded, encoding: session.encoding)
        self.write(frame, on: connection, at: index)
    }

    mutating func sendDatagram(_ datagram: ByteBuffer, to address: SocketAddress) {
        self.actions.append(.sendDatagram(address, datagram))
        self.metrics.messagesOut += 1
        self.metrics.datagramsOut += 1
        self.metrics.bytesOut += datagram.readableBytes
    }

    mutating func close(_ connection: ConnectionID, reason: GoodbyeReason) {
        self.actions.append(.close(connection, reason))
    }

    private mutating func write(
        _ frame: OutboundFrame,
        on connection: ConnectionID,
        at index: Dictionary<UInt64, GameSession>.Index
    ) {
        self.actions.append(.send(connection, frame))
        self.metrics.messagesOut += 1
        let size = frame.byteCount
        self.metrics.bytesOut += size
        if Self.queue(size, on: &self.sessions.values[index], limit: self.outgoingQueueLimit) {
            self.slowConsumers.append(self.sessions.values[index].id)
        }
    }

    /// Counts `size` more bytes queued for `session`; true when that cuts it off. Through `inout`, so the session is
    /// changed where it lies (reading `values[index].field` would copy the whole session first).
    private static func queue(_ size: Int, on session: inout GameSession, limit: Int) -> Bool {
        session.queuedBytes += size
        guard session.queuedBytes > limit, !session.isCutOff else { return false }
        // Nakama's outgoing_queue_size: a client that cannot keep up is cut off, so its queue never grows without
        // bound. Later messages go to the replay buffer only.
        session.isCutOff = true
        return true
    }
}
