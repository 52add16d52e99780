import GamenetCore
import NIOCore
import NIOPosix

/// The unreliable channel of a game client (`connect --room --udp`): a UDP socket to the server's UDP port, bound to
/// the session by `udpBind` in datagram frames that carry the session's id and key.
///
/// The protocol article's rules: the client sends `udpBind` until `udpBound` answers, a few tries one second apart,
/// and keeps using its reliable connection for everything if none answers (UDP blocked on the way); once bound it
/// sends `udpKeepalive` at the hello's interval, below the NAT mapping timeouts. The server forgets the binding when
/// the reliable connection closes, so a resumed session binds again.
///
/// The client's event loop owns it: timers and datagrams come back as ``GameClient/Event``s, so its state is only
/// ever touched from that loop.
final class GameClientDatagrams {
    /// Where the binding stands.
    enum State: Equatable {
        /// Not bound: no UDP port, no answer, or the stream dropped.
        case unbound
        /// Waiting for `udpBound` after this many `udpBind`s.
        case binding(attempts: Int)
        case bound
    }

    /// How many `udpBind`s go out before the client gives up on UDP.
    static let bindAttempts = 3
    /// How long to wait for `udpBound` after each `udpBind`.
    static let bindRetryInterval: TimeAmount = .seconds(1)

    private let channel: any Channel
    private let events: AsyncStream<GameClient.Event>.Continuation
    private(set) var state = State.unbound
    private var credentials: SessionCredentials?
    private var keepaliveInterval: TimeAmount = .seconds(25)
    private var timer: Scheduled<Void>?
    /// Tells apart the timers of successive bindings.
    private var round = 0

    private init(channel: any Channel, events: AsyncStream<GameClient.Event>.Continuation) {
        self.channel = channel
        self.events = events
    }

    /// Opens a UDP socket connected to `port` on the server's host.
    static func open(
        host: String,
        port: Int,
        events: AsyncStream<GameClient.Event>.Continuation,
        group: any EventLoopGroup
    ) async throws -> GameClientDatagrams {
        let channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramForwarder(events: events))
                }
            }
            .connect(host: host, port: port)
            .get()
        return GameClientDatagrams(channel: channel, events: events)
    }

    /// Starts binding the session; called after the hello and after a resume.
    func bind(_ credentials: SessionCredentials, keepaliveInterval: TimeAmount) {
        self.credentials = credentials
        self.keepaliveInterval = keepaliveInterval
        self.state = .binding(attempts: 1)
        self.send(.udpBind)
        self.arm(in: Self.bindRetryInterval)
    }

    /// The timer of ``bind(_:keepaliveInterval:)`` or of the keepalive fired.
    /// - Returns: `true` when the binding was just given up.
    func timerFired(round: Int) -> Bool {
        guard round == self.round else { return false }
        switch self.state {
        case .unbound:
            return false
        case .binding(let attempts) where attempts < Self.bindAttempts:
            self.state = .binding(attempts: attempts + 1)
            self.send(.udpBind)
            self.arm(in: Self.bindRetryInterval)
            return false
        case .binding:
            self.state = .unbound
            return true
        case .bound:
            self.send(.udpKeepalive)
            self.arm(in: self.keepaliveInterval)
            return false
        }
    }

    /// A `udpBound` for this session arrived.
    func confirm(sessionID: UInt64) {
        guard sessionID == self.credentials?.sessionID, case .binding = self.state else { return }
        self.state = .bound
        self.arm(in: self.keepaliveInterval)
    }

    /// The reliable connection dropped: the server forgot the binding.
    func forget() {
        self.state = .unbound
        self.round += 1
        self.timer?.cancel()
    }

    /// Sends `message` in a datagram frame with the session's credentials.
    func send(_ message: GameMessage) {
        guard let credentials = self.credentials,
            let bytes = try? GameCodec.encode(.datagram(credentials, message))
        else { return }
        self.channel.writeAndFlush(AddressedEnvelope(remoteAddress: self.channel.remoteAddress!, data: bytes), promise: nil)
    }

    func close() {
        self.forget()
        self.channel.close(promise: nil)
    }

    private func arm(in delay: TimeAmount) {
        self.timer?.cancel()
        self.round += 1
        let round = self.round
        let events = self.events
        self.timer = self.channel.eventLoop.scheduleTask(in: delay) { events.yield(.datagramTimer(round: round)) }
    }
}

/// Hands each datagram the server sends to the client's event stream.
private final class DatagramForwarder: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let events: AsyncStream<GameClient.Event>.Continuation

    init(events: AsyncStream<GameClient.Event>.Continuation) {
        self.events = events
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.events.yield(.datagram(Self.unwrapInboundIn(data).data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP port-unreachable on a connected UDP socket surfaces here; the bind's retries deal with it.
    }
}

@available(*, unavailable)
extension GameClientDatagrams: Sendable {}
