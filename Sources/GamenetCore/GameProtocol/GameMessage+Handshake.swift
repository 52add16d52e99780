// The messages that open, resume and end a session.
extension GameMessage {
    /// The first message on a reliable connection: the protocol versions the client speaks, and a resume request when
    /// it comes back to a session.
    package struct ClientHello: Hashable, Sendable, Codable {
        /// The protocol versions the client speaks, most preferred first; at least one, at most 255.
        package var versions: [UInt16]
        /// The session to resume, or `nil` for a new session.
        package var resume: ResumeRequest?

        package init(versions: [UInt16], resume: ResumeRequest? = nil) {
            self.versions = versions
            self.resume = resume
        }
    }

    /// The server's answer to a client hello that starts a new session: the chosen version, the session's credentials
    /// and its limits.
    package struct Hello: Hashable, Sendable, Codable {
        /// The protocol version the server chose from the client's list.
        package var version: UInt16
        /// The session id, below 2^53 so that JSON numbers carry it exactly.
        package var sessionID: UInt64
        /// The session's secret key: 128 random bits.
        package var key: SessionKey
        /// How often the server pings; a client that answers no ping for the dead-peer timeout is disconnected.
        package var heartbeatIntervalMilliseconds: UInt32
        /// The UDP port for KCP and raw datagrams, 0 when the server has none.
        package var udpPort: UInt16
        /// How often a client with a bound UDP address sends `udpKeepalive`.
        package var udpKeepaliveIntervalMilliseconds: UInt32
        /// The largest message, in bytes, the server accepts: a binary message without its length prefix, or a JSON
        /// text.
        package var maximumMessageSize: UInt32
        /// How many rooms the session may be in at once.
        package var maximumRooms: UInt16
        /// The session's sustained message rate; a burst of the same number is allowed.
        package var messagesPerSecond: UInt32
        /// How long after a dropped connection the session can be resumed.
        package var resumeWindowMilliseconds: UInt32

        package init(
            version: UInt16,
            sessionID: UInt64,
            key: SessionKey,
            heartbeatIntervalMilliseconds: UInt32,
            udpPort: UInt16,
            udpKeepaliveIntervalMilliseconds: UInt32,
            maximumMessageSize: UInt32,
            maximumRooms: UInt16,
            messagesPerSecond: UInt32,
            resumeWindowMilliseconds: UInt32
        ) {
            self.version = version
            self.sessionID = sessionID
            self.key = key
            self.heartbeatIntervalMilliseconds = heartbeatIntervalMilliseconds
            self.udpPort = udpPort
            self.udpKeepaliveIntervalMilliseconds = udpKeepaliveIntervalMilliseconds
            self.maximumMessageSize = maximumMessageSize
            self.maximumRooms = maximumRooms
            self.messagesPerSecond = messagesPerSecond
            self.resumeWindowMilliseconds = resumeWindowMilliseconds
        }
    }

    /// The part of a client hello that asks to resume a session.
    package struct ResumeRequest: Hashable, Sendable, Codable {
        /// The id of the session to resume.
        package var sessionID: UInt64
        /// The session's key.
        package var key: SessionKey
        /// The sequence number of the last sequenced message the client received, 0 if none.
        package var lastReceivedSequence: UInt64

        package init(sessionID: UInt64, key: SessionKey, lastReceivedSequence: UInt64) {
            self.sessionID = sessionID
            self.key = key
            self.lastReceivedSequence = lastReceivedSequence
        }
    }

    /// The answer to a resume request that succeeded. The sequenced messages the client missed follow, in order.
    package struct ResumeAccepted: Hashable, Sendable, Codable {
        /// The resumed session's id.
        package var sessionID: UInt64
        /// The sequence number of the last message the server has sent in this session; the replay covers every number
        /// after the client's `lastReceivedSequence` up to this one.
        package var lastSequence: UInt64
        /// The rooms the session is in.
        package var rooms: [RoomName]

        package init(sessionID: UInt64, lastSequence: UInt64, rooms: [RoomName]) {
            self.sessionID = sessionID
            self.lastSequence = lastSequence
            self.rooms = rooms
        }
    }

    /// The answer to a resume request that failed. A `hello` for a new session follows; the client rejoins its rooms.
    package struct ResumeRejected: Hashable, Sendable, Codable {
        /// Why the resume failed.
        package var reason: ResumeRejectionReason
        /// The reason in words, for logs.
        package var message: String

        package init(reason: ResumeRejectionReason, message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// The end of a session. The sender closes the connection after it; a client's goodbye ends the session without a
    /// resume window.
    package struct Goodbye: Hashable, Sendable, Codable {
        /// Why the session ends.
        package var reason: GoodbyeReason
        /// The reason in words, for logs.
        package var message: String

        package init(reason: GoodbyeReason, message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// A room, named by its namespace and its name in that namespace.
    package struct RoomName: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String

        package init(namespace: String, room: String) {
            self.namespace = namespace
            self.room = room
        }
    }
}
