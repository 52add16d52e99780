import NIOCore

/// The settings of a game server: the limits its hello announces, its timers and the bounds of every queue.
///
/// The defaults follow what the anchors ship (see the reference notes on game servers): a 2-minute resume window as
/// Socket.IO's connection state recovery, a 15 s heartbeat as Nakama, a 25 s UDP keepalive below NAT mapping
/// timeouts (RFC 4787 REQ-5), and a bounded outgoing queue that cuts off a slow consumer as Nakama's
/// `outgoing_queue_size` does, measured here in bytes.
package struct GameServerConfiguration: Hashable, Sendable {
    /// The protocol versions the server accepts.
    package var protocolVersions: [UInt16] = GameProtocolVersion.supported
    /// The UDP port announced in the hello, 0 for none.
    package var udpPort: UInt16 = 0
    /// How often the server pings each session.
    package var heartbeatInterval: TimeAmount = .seconds(15)
    /// How long a session may stay silent (no message at all, pongs included) before it counts as dead.
    package var deadPeerTimeout: TimeAmount = .seconds(45)
    /// How long a new connection has to send its client hello.
    package var handshakeTimeout: TimeAmount = .seconds(10)
    /// How long a session may send nothing but heartbeats and keepalives, or `nil` for no limit.
    package var idleTimeout: TimeAmount? = .minutes(10)
    /// How often a client with a bound UDP address should send a keepalive.
    package var udpKeepaliveInterval: TimeAmount = .seconds(25)
    /// How long after its connection drops a session can be resumed.
    package var resumeWindow: TimeAmount = .minutes(2)
    /// The largest message the server accepts, in bytes.
    package var maximumMessageSize: Int = GameCodec.defaultMaximumMessageSize
    /// The most rooms one session may be in.
    package var maximumRoomsPerSession: Int = 16
    /// The most members of any room, whatever size a join asks for.
    package var maximumRoomSize: Int = 10_000
    /// The most sessions, connected or waiting for a resume; a client hello beyond it gets goodbye `serverFull`.
    package var maximumSessions: Int = 100_000
    /// A session's sustained message rate; the bucket holds the same number, so a burst of one second passes.
    package var messagesPerSecond: Int = 50
    /// How many messages over the rate a warned session may still send before it is disconnected.
    package var rateLimitGrace: Int = 50
    /// The most bytes a session's connection may have waiting to be written before it counts as a slow consumer.
    ///
    /// It is larger than the replay buffer's byte bound, so that replaying a full buffer on resume (in JSON, which is
    /// larger than the binary form the bound counts) does not itself cut the client off.
    package var outgoingQueueLimit: Int = 2 << 20
    /// The most sequenced messages a session keeps for replay.
    package var replayLimit: Int = 1_024
    /// The most bytes of sequenced messages a session keeps for replay.
    package var replayByteLimit: Int = 512 << 10
    /// The most requests one session may have waiting for an acknowledgement.
    package var maximumPendingRequests: Int = 64
    /// The longest timeout a request may ask for; longer ones are shortened to it.
    package var maximumRequestTimeout: TimeAmount = .seconds(60)

    package init() {}
}
