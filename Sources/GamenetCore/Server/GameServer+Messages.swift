import NIOCore

// What a session's messages do, on its reliable connection or in its datagrams.
extension GameServer {
    /// Handles one message from an established session; `address` is the datagram's source for UDP.
    mutating func handle(
        _ message: GameMessage,
        from sessionID: UInt64,
        overUDP address: SocketAddress?,
        now: NIODeadline
    ) {
        let isRated: Bool
        let isActivity: Bool
        switch message {
        case .pong, .udpKeepalive: (isRated, isActivity) = (false, false)
        case .ping, .udpBind: (isRated, isActivity) = (true, false)
        default: (isRated, isActivity) = (true, true)
        }
        guard let decision = self.sessions.noteArrival(from: sessionID, rated: isRated, activity: isActivity, now: now),
            self.act(on: decision, from: sessionID, now: now)
        else { return }

        switch message {
        case .join(let join):
            self.join(join, by: sessionID)
        case .leave(let leave):
            self.leave(RoomAddress(namespace: leave.namespace, room: leave.room), by: sessionID)
        case .listMembers(let list):
            self.listMembers(of: RoomAddress(namespace: list.namespace, room: list.room), for: sessionID)
        case .broadcast(let broadcast):
            self.broadcast(broadcast, from: sessionID)
        case .send(let send):
            self.sendDirect(send, from: sessionID)
        case .request(let request):
            self.request(request, from: sessionID, now: now)
        case .ack(let ack):
            self.acknowledge(ack, from: sessionID)
        case .ping(let ping):
            if let address {
                if let datagram = try? GameCodec.encode(.message(.pong(.init(timestamp: ping.timestamp)))) {
                    self.sessions.sendDatagram(datagram, to: address)
                }
            } else {
                self.sessions.sendUnsequenced(.pong(.init(timestamp: ping.timestamp)), to: sessionID)
            }
        case .pong(let pong):
            self.recordRoundTrip(echoing: pong.timestamp, for: sessionID, now: now)
        case .goodbye:
            self.endSession(sessionID, goodbye: .normal, message: "goodbye", now: now)
        case .udpKeepalive:
            break
        case .udpBind:
            if let address, let datagram = try? GameCodec.encode(.message(.udpBound(.init(sessionID: sessionID)))) {
                self.sessions.sendDatagram(datagram, to: address)
            } else {
                self.refuse(message, from: sessionID)
            }
        case .clientHello, .hello, .resumeAccepted, .resumeRejected, .udpBound, .joined, .left, .memberEntered,
            .memberExited, .members, .roomMessage, .directMessage, .incomingRequest, .ackReceived, .requestFailed,
            .error, .warning:
            self.refuse(message, from: sessionID)
        }
    }

    /// Takes a token from the session's rate limiter; warns, drops or disconnects when there is none.
    /// - Returns: whether to handle the message.
    mutating func admit(from sessionID: UInt64, now: NIODeadline) -> Bool {
        self.act(on: self.sessions[sessionID]?.rateLimiter.admit(now: now) ?? .accept, from: sessionID, now: now)
    }

    /// Carries out the rate limiter's decision on a message; returns whether to handle it.
    private mutating func act(
        on decision: MessageRateLimiter.Decision,
        from sessionID: UInt64,
        now: NIODeadline
    ) -> Bool {
        switch decision {
        case .accept:
            return true
        case .dropAndWarn:
            self.sessions.metrics.countDrop(.rateLimited)
            self.sessions.metrics.rateLimitWarnings += 1
            let limit = self.configuration.messagesPerSecond
            self.sessions.sendSequenced(
                .warning(.init(code: .rateLimit, message: "over \(limit) messages per second; messages dropped")),
                to: sessionID
            )
            return false
        case .drop:
            self.sessions.metrics.countDrop(.rateLimited)
            return false
        case .disconnect:
            self.sessions.metrics.countDrop(.rateLimited)
            self.endSession(
                sessionID,
                goodbye: .rateLimit,
                message: "kept over the message rate after a warning",
                now: now
            )
            return false
        }
    }

    private mutating func refuse(_ message: GameMessage, from sessionID: UInt64) {
        self.sessions.sendSequenced(
            .error(.init(code: .unexpectedMessage, message: "\(message.type.jsonName) is not expected here")),
            to: sessionID
        )
    }

    mutating func sendError(_ code: GameErrorCode, _ message: String, to sessionID: UInt64) {
        self.sessions.sendSequenced(.error(.init(code: code, message: message)), to: sessionID)
    }

    // MARK: - Direct messages

    private mutating func sendDirect(_ send: GameMessage.Send, from sessionID: UInt64) {
        guard self.sessions.contains(send.recipientID) else {
            self.sendError(.noSuchSession, "no session \(send.recipientID)", to: sessionID)
            return
        }
        let message = GameMessage.directMessage(.init(senderID: sessionID, payload: send.payload))
        guard let encoded = try? EncodedGameMessage(message, channel: send.channel) else { return }
        self.sessions.deliver(encoded, to: send.recipientID)
    }

    // MARK: - Heartbeats

    /// The server's clock as a ping timestamp: microseconds of the monotonic clock.
    static func timestamp(_ now: NIODeadline) -> UInt64 { now.uptimeNanoseconds / 1_000 }

    private mutating func recordRoundTrip(echoing timestamp: UInt64, for sessionID: UInt64, now: NIODeadline) {
        // Only the answer to the server's own last ping counts: a made-up timestamp would skew the histogram.
        guard let sent = self.sessions[sessionID]?.outstandingPing, sent == timestamp else { return }
        let roundTrip = TimeAmount.microseconds(Int64(Self.timestamp(now) - sent))
        self.sessions[sessionID]?.outstandingPing = nil
        self.sessions[sessionID]?.roundTripTime = roundTrip
        self.sessions.metrics.roundTripTimes.record(roundTrip)
    }
}
