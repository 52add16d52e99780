import NIOCore

// Requests and acknowledgements between sessions, with a timeout (Socket.IO's emit with an ack callback and
// `timeout()`; pomelo's request/response ids).
extension GameServer {
    mutating func request(_ request: GameMessage.Request, from sessionID: UInt64, now: NIODeadline) {
        guard var requester = self.sessions[sessionID] else { return }
        guard requester.pendingRequests[request.requestID] == nil else {
            self.sendError(.unexpectedMessage, "request \(request.requestID) is already pending", to: sessionID)
            return
        }
        guard requester.pendingRequests.count < self.configuration.maximumPendingRequests else {
            self.sendError(
                .unexpectedMessage,
                "at most \(self.configuration.maximumPendingRequests) pending requests",
                to: sessionID
            )
            return
        }
        guard self.sessions.contains(request.recipientID) else {
            self.sessions.sendSequenced(
                .requestFailed(.init(requestID: request.requestID, reason: .noSuchSession)),
                to: sessionID
            )
            return
        }
        let timeout = min(
            TimeAmount.milliseconds(Int64(max(request.timeoutMilliseconds, 1))),
            self.configuration.maximumRequestTimeout
        )
        let deadline = now + timeout
        let key = GameSession.RequestKey(requesterID: sessionID, requestID: request.requestID)
        requester.pendingRequests[request.requestID] = .init(recipientID: request.recipientID, deadline: deadline)
        self.sessions[sessionID] = requester
        self.sessions[request.recipientID]?.incomingRequests.insert(key)
        self.timers.insert(.request(key, due: deadline), at: deadline)
        self.sessions.sendSequenced(
            .incomingRequest(
                .init(
                    requestID: request.requestID,
                    senderID: sessionID,
                    timeoutMilliseconds: Self.milliseconds(timeout),
                    payload: request.payload
                )
            ),
            to: request.recipientID
        )
    }

    mutating func acknowledge(_ ack: GameMessage.Ack, from sessionID: UInt64) {
        let key = GameSession.RequestKey(requesterID: ack.recipientID, requestID: ack.requestID)
        guard var requester = self.sessions[ack.recipientID],
            let pending = requester.pendingRequests[ack.requestID],
            pending.recipientID == sessionID
        else {
            // Too late (timed out) or never asked: the requester has already been told, or there is no one to tell.
            self.sessions.metrics.countDrop(.lateAck)
            return
        }
        requester.pendingRequests[ack.requestID] = nil
        self.sessions[ack.recipientID] = requester
        self.sessions[sessionID]?.incomingRequests.remove(key)
        self.sessions.sendSequenced(
            .ackReceived(.init(requestID: ack.requestID, senderID: sessionID, payload: ack.payload)),
            to: ack.recipientID
        )
    }

    /// Tells the requester its request will get no acknowledgement.
    mutating func failRequest(_ key: GameSession.RequestKey, reason: RequestFailureReason) {
        guard var requester = self.sessions[key.requesterID],
            let pending = requester.pendingRequests.removeValue(forKey: key.requestID)
        else { return }
        self.sessions[key.requesterID] = requester
        self.sessions[pending.recipientID]?.incomingRequests.remove(key)
        if reason == .timeout {
            self.sessions.metrics.requestTimeouts += 1
        }
        self.sessions.sendSequenced(
            .requestFailed(.init(requestID: key.requestID, reason: reason)),
            to: key.requesterID
        )
    }
}
