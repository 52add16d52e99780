// The messages from one session to another: direct messages, requests and acknowledgements.
extension GameMessage {
    /// A payload for one session.
    package struct Send: Hashable, Sendable, Codable {
        /// The session to deliver to.
        package var recipientID: UInt64
        /// Reliable or unreliable, as for a broadcast; default reliable.
        package var channel: GameChannel
        /// The application bytes.
        package var payload: GamePayload

        package init(recipientID: UInt64, channel: GameChannel = .reliable, payload: GamePayload) {
            self.recipientID = recipientID
            self.channel = channel
            self.payload = payload
        }

        // JSON clients may leave out the fields that have defaults.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.recipientID = try container.decode(UInt64.self, forKey: .recipientID)
            self.channel = try container.decodeIfPresent(GameChannel.self, forKey: .channel) ?? .reliable
            self.payload = try container.decode(GamePayload.self, forKey: .payload)
        }
    }

    /// A payload another session sent to this one.
    package struct DirectMessage: Hashable, Sendable, Codable {
        /// The session that sent it.
        package var senderID: UInt64
        /// The application bytes.
        package var payload: GamePayload

        package init(senderID: UInt64, payload: GamePayload) {
            self.senderID = senderID
            self.payload = payload
        }
    }

    /// A request to one session, which answers with an `ack` of the same request id.
    package struct Request: Hashable, Sendable, Codable {
        /// An id the sender chooses, unique among its pending requests.
        package var requestID: UInt32
        /// The session to deliver to.
        package var recipientID: UInt64
        /// How long the server waits for the acknowledgement before it sends `requestFailed`.
        package var timeoutMilliseconds: UInt32
        /// The application bytes.
        package var payload: GamePayload

        package init(requestID: UInt32, recipientID: UInt64, timeoutMilliseconds: UInt32, payload: GamePayload) {
            self.requestID = requestID
            self.recipientID = recipientID
            self.timeoutMilliseconds = timeoutMilliseconds
            self.payload = payload
        }
    }

    /// A request from another session; answer it with `ack` before the timeout.
    package struct IncomingRequest: Hashable, Sendable, Codable {
        /// The sender's request id, to copy into the `ack`.
        package var requestID: UInt32
        /// The session that sent it, the `ack`'s recipient.
        package var senderID: UInt64
        /// The time the sender allowed.
        package var timeoutMilliseconds: UInt32
        /// The application bytes.
        package var payload: GamePayload

        package init(requestID: UInt32, senderID: UInt64, timeoutMilliseconds: UInt32, payload: GamePayload) {
            self.requestID = requestID
            self.senderID = senderID
            self.timeoutMilliseconds = timeoutMilliseconds
            self.payload = payload
        }
    }

    /// The acknowledgement of an incoming request.
    package struct Ack: Hashable, Sendable, Codable {
        /// The request id of the incoming request.
        package var requestID: UInt32
        /// The session that sent the request.
        package var recipientID: UInt64
        /// The application bytes of the answer, possibly empty.
        package var payload: GamePayload

        package init(requestID: UInt32, recipientID: UInt64, payload: GamePayload) {
            self.requestID = requestID
            self.recipientID = recipientID
            self.payload = payload
        }
    }

    /// The acknowledgement of this session's request.
    package struct AckReceived: Hashable, Sendable, Codable {
        /// The id of this session's request.
        package var requestID: UInt32
        /// The session that acknowledged it.
        package var senderID: UInt64
        /// The application bytes of the answer.
        package var payload: GamePayload

        package init(requestID: UInt32, senderID: UInt64, payload: GamePayload) {
            self.requestID = requestID
            self.senderID = senderID
            self.payload = payload
        }
    }

    /// This session's request got no acknowledgement.
    package struct RequestFailed: Hashable, Sendable, Codable {
        /// The id of this session's request.
        package var requestID: UInt32
        /// Why.
        package var reason: RequestFailureReason

        package init(requestID: UInt32, reason: RequestFailureReason) {
            self.requestID = requestID
            self.reason = reason
        }
    }
}
