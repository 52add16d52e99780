import GamenetCore
import NIOCore
import Testing

/// A game server driven in virtual time, with the runtime's part played by the test: it opens connections, feeds
/// messages in, carries out the actions, and keeps what each connection and address received.
struct GameServerHarness {
    /// A client as the test sees it: its connection and its session's credentials.
    struct Client {
        var connection: ConnectionID
        var sessionID: UInt64
        var key: SessionKey
        var encoding: GameEncoding = .binary
        var credentials: SessionCredentials { .init(sessionID: self.sessionID, key: self.key) }
    }

    var server: GameServer
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    private var nextConnection: UInt64 = 1
    /// Every frame written to each connection, in order.
    private(set) var frames: [ConnectionID: [OutboundFrame]] = [:]
    /// How many frames of each connection the test has taken.
    private var taken: [ConnectionID: Int] = [:]
    /// Connections the server closed, with the reason.
    private(set) var closed: [ConnectionID: GoodbyeReason] = [:]
    /// Datagrams the server sent.
    private(set) var datagrams: [(address: SocketAddress, frame: GameFrame)] = []

    init(configuration: GameServerConfiguration = GameServerConfiguration(), seed: UInt64 = 1) {
        self.server = GameServer(configuration: configuration, keyGenerator: SplitMix64(seed: seed))
    }

    mutating func apply(_ actions: [GameServerAction]) {
        for action in actions {
            switch action {
            case .send(let connection, let frame):
                self.frames[connection, default: []].append(frame)
            case .sendDatagram(let address, let bytes):
                self.datagrams.append((address, try! GameFrame(decoding: bytes)))
            case .close(let connection, let reason):
                self.closed[connection] = reason
            }
        }
    }

    // MARK: - Driving

    mutating func open() -> ConnectionID {
        let connection = ConnectionID(self.nextConnection)
        self.nextConnection += 1
        self.apply(self.server.connectionOpened(connection, now: self.now))
        return connection
    }

    mutating func send(_ message: GameMessage, on connection: ConnectionID, encoding: GameEncoding = .binary) {
        let bytes: ByteBuffer
        switch encoding {
        case .binary: bytes = try! GameCodec.encode(.message(message))
        case .json: bytes = try! GameJSONCodec.encode(message)
        }
        self.apply(self.server.receive(bytes, encoding: encoding, on: connection, now: self.now))
    }

    mutating func send(_ message: GameMessage, from client: Client) {
        self.send(message, on: client.connection, encoding: client.encoding)
    }

    mutating func sendDatagram(_ frame: GameFrame, from address: SocketAddress) {
        self.apply(self.server.receiveDatagram(try! GameCodec.encode(frame), from: address, now: self.now))
    }

    mutating func close(_ connection: ConnectionID) {
        self.apply(self.server.connectionClosed(connection, now: self.now))
    }

    /// Moves the clock forward, firing every timer on the way at its own time.
    mutating func advance(by amount: TimeAmount) {
        let target = self.now + amount
        while let deadline = self.server.nextDeadline, deadline <= target {
            self.now = max(self.now, deadline)
            self.apply(self.server.tick(now: self.now))
        }
        self.now = target
    }

    /// Opens a connection and starts a session on it.
    mutating func connect(encoding: GameEncoding = .binary) -> Client {
        let connection = self.open()
        self.send(.clientHello(.init(versions: [1])), on: connection, encoding: encoding)
        guard case .hello(let hello) = self.take(connection).last?.message else {
            Issue.record("no hello")
            return Client(connection: connection, sessionID: 0, key: SessionKey(high: 0, low: 0))
        }
        return Client(connection: connection, sessionID: hello.sessionID, key: hello.key, encoding: encoding)
    }

    /// Connects and joins `room` in namespace `/`.
    mutating func connectAndJoin(_ room: String, name: String? = nil, maximumMembers: UInt16? = nil) -> Client {
        let client = self.connect()
        self.send(.join(.init(namespace: "/", room: room, maximumMembers: maximumMembers, name: name)), from: client)
        _ = self.take(client.connection)
        return client
    }

    // MARK: - Reading

    /// The frames written to a connection since the last take.
    mutating func take(_ connection: ConnectionID) -> [OutboundFrame] {
        let all = self.frames[connection] ?? []
        let start = self.taken[connection] ?? 0
        self.taken[connection] = all.count
        return Array(all[start...])
    }

    /// The messages written to a client since the last take.
    mutating func messages(_ client: Client) -> [GameMessage] {
        self.take(client.connection).map(\.message)
    }

    /// The codes of the errors written to a client since the last take.
    mutating func errorCodes(_ client: Client) -> [GameErrorCode] {
        self.take(client.connection).compactMap {
            guard case .error(let error) = $0.message else { return nil }
            return error.code
        }
    }

    /// The payloads of the room messages written to a client since the last take, as text.
    mutating func roomPayloads(_ client: Client) -> [String] {
        self.take(client.connection).compactMap {
            guard case .roomMessage(let message) = $0.message else { return nil }
            return message.payload.text
        }
    }
}

extension GameServerHarness.Client {
    func broadcast(
        _ text: String,
        room: String = "lobby",
        includesSender: Bool = false,
        channel: GameChannel = .reliable
    )
        -> GameMessage
    {
        .broadcast(
            .init(
                namespace: "/",
                room: room,
                includesSender: includesSender,
                channel: channel,
                payload: GamePayload(string: text)
            )
        )
    }
}

/// The address of the storage a buffer reads from, to tell shared bytes from copies.
func storageAddress(_ buffer: ByteBuffer) -> UnsafeRawPointer? {
    buffer.withUnsafeReadableBytes { UnsafeRawPointer($0.baseAddress) }
}
