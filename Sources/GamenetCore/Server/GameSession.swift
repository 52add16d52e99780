import NIOCore

/// One session of the game server: its credentials, its connection while it has one, its rooms, and the state
/// that survives a dropped connection (sequence numbers and the replay buffer).
package struct GameSession {
    /// A request this session sent that waits for its acknowledgement.
    struct PendingRequest: Hashable {
        var recipientID: UInt64
        var deadline: NIODeadline
    }

    /// A request, named by the session that sent it and that session's request id.
    struct RequestKey: Hashable {
        var requesterID: UInt64
        var requestID: UInt32
    }

    package let id: UInt64
    let key: SessionKey
    /// The reliable connection, `nil` while the session waits for a resume.
    package internal(set) var connection: ConnectionID?
    /// The encoding of the connection's client hello.
    package internal(set) var encoding: GameEncoding
    /// The address its last authenticated datagram came from.
    package internal(set) var udpAddress: SocketAddress?
    /// The rooms the session is in.
    package internal(set) var rooms: Set<RoomAddress> = []
    /// The last heartbeat's round-trip time.
    package internal(set) var roundTripTime: TimeAmount?
    /// The sequence number the next sequenced message gets.
    package internal(set) var nextSequence: UInt64 = 1
    var replay: ReplayBuffer
    var rateLimiter: MessageRateLimiter
    /// When a detached session's resume window ends.
    var resumeDeadline: NIODeadline?
    /// When the next heartbeat is due.
    var heartbeatDeadline: NIODeadline?
    /// The timestamp of the server's last ping not yet answered.
    var outstandingPing: UInt64?
    /// When the session last sent anything.
    var lastHeard: NIODeadline
    /// When the session last sent something other than a heartbeat or keepalive.
    var lastActivity: NIODeadline
    /// Bytes written to the connection and not yet reported as sent.
    package internal(set) var queuedBytes = 0
    /// Whether the session is being cut off as a slow consumer.
    var isCutOff = false
    var pendingRequests: [UInt32: PendingRequest] = [:]
    var incomingRequests: Set<RequestKey> = []

    init(
        id: UInt64,
        key: SessionKey,
        connection: ConnectionID,
        encoding: GameEncoding,
        configuration: GameServerConfiguration,
        now: NIODeadline
    ) {
        self.id = id
        self.key = key
        self.connection = connection
        self.encoding = encoding
        self.replay = ReplayBuffer(limit: configuration.replayLimit, byteLimit: configuration.replayByteLimit)
        self.rateLimiter = MessageRateLimiter(
            messagesPerSecond: configuration.messagesPerSecond,
            grace: configuration.rateLimitGrace,
            now: now
        )
        self.lastHeard = now
        self.lastActivity = now
    }

    /// The sequence number of the last sequenced message sent, 0 before the first.
    package var lastSequence: UInt64 { self.nextSequence - 1 }

    /// Whether the session has a connection.
    package var isConnected: Bool { self.connection != nil }
}
