import GamenetCore
import NIOCore

/// The key of the examples: the bytes 00 01 02 … 0f.
let exampleKey = SessionKey(high: 0x0001_0203_0405_0607, low: 0x0809_0a0b_0c0d_0e0f)

/// One example of every message type, with the values the protocol article's examples use.
let exampleMessages: [GameMessage] = [
    .clientHello(.init(versions: [1])),
    .clientHello(
        .init(versions: [2, 1], resume: .init(sessionID: 7, key: exampleKey, lastReceivedSequence: 41))
    ),
    .hello(
        .init(
            version: 1,
            sessionID: 7,
            key: exampleKey,
            heartbeatIntervalMilliseconds: 15_000,
            udpPort: 4000,
            udpKeepaliveIntervalMilliseconds: 25_000,
            maximumMessageSize: 65_536,
            maximumRooms: 16,
            messagesPerSecond: 50,
            resumeWindowMilliseconds: 120_000
        )
    ),
    .resumeAccepted(.init(sessionID: 7, lastSequence: 44, rooms: [.init(namespace: "/", room: "lobby")])),
    .resumeRejected(.init(reason: .replayOverflow, message: "replay lost")),
    .goodbye(.init(reason: .slowConsumer, message: "slow")),
    .udpBind,
    .udpBound(.init(sessionID: 7)),
    .udpKeepalive,
    .join(.init(namespace: "/", room: "lobby", maximumMembers: 8, name: "alice")),
    .joined(.init(namespace: "/", room: "lobby", members: [.init(sessionID: 7, name: "alice"), .init(sessionID: 9)])),
    .leave(.init(namespace: "/", room: "lobby")),
    .left(.init(namespace: "/", room: "lobby")),
    .memberEntered(.init(namespace: "/", room: "lobby", member: .init(sessionID: 9, name: "bob"))),
    .memberExited(.init(namespace: "/", room: "lobby", sessionID: 9, reason: .sessionEnded)),
    .listMembers(.init(namespace: "/", room: "lobby")),
    .members(.init(namespace: "/", room: "lobby", members: [.init(sessionID: 7, name: "alice")])),
    .broadcast(.init(namespace: "/", room: "lobby", includesSender: true, channel: .unreliable, payload: "hi")),
    .roomMessage(.init(namespace: "/", room: "lobby", senderID: 7, senderName: "alice", payload: "hi")),
    .send(.init(recipientID: 9, payload: GamePayload(bytes: [0x00, 0xff]))),
    .directMessage(.init(senderID: 7, payload: "psst")),
    .request(.init(requestID: 3, recipientID: 9, timeoutMilliseconds: 5_000, payload: "ready?")),
    .incomingRequest(.init(requestID: 3, senderID: 7, timeoutMilliseconds: 5_000, payload: "ready?")),
    .ack(.init(requestID: 3, recipientID: 7, payload: "yes")),
    .ackReceived(.init(requestID: 3, senderID: 9, payload: "yes")),
    .requestFailed(.init(requestID: 3, reason: .timeout)),
    .ping(.init(timestamp: 1_000_000)),
    .pong(.init(timestamp: 1_000_000)),
    .error(.init(code: .roomFull, message: "full")),
    .warning(.init(code: .rateLimit, message: "slow down")),
]

/// Bytes from a hexadecimal string; spaces are ignored.
func gameHex(_ text: String) -> ByteBuffer {
    let digits = Array(text.filter { !$0.isWhitespace })
    var buffer = ByteBuffer()
    var index = 0
    while index + 1 < digits.count {
        buffer.writeInteger(UInt8(String(digits[index...index + 1]), radix: 16)!)
        index += 2
    }
    return buffer
}

/// The bytes of `buffer` as lower-case hexadecimal digits.
func hexString(_ buffer: ByteBuffer) -> String {
    buffer.readableBytesView.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }.joined()
}

/// Random messages of every type, from a seeded generator, for round trips.
struct RandomGameMessages {
    var generator: SplitMix64

    init(seed: UInt64) {
        self.generator = SplitMix64(seed: seed)
    }

    mutating func integer<Integer: FixedWidthInteger & UnsignedInteger>(_: Integer.Type = Integer.self) -> Integer {
        Integer(truncatingIfNeeded: self.generator.next())
    }

    /// A session id below 2^53, as a server issues them.
    mutating func sessionID() -> UInt64 { self.generator.next() >> 11 }

    mutating func string(maximum: Int = 40) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz/-_ 0123456789éü漢字🎮")
        let length = Int.random(in: 0...maximum, using: &self.generator)
        var text = String((0..<length).map { _ in alphabet.randomElement(using: &self.generator)! })
        while text.utf8.count > GameCodec.identifierLimit { text.removeLast() }
        return text
    }

    mutating func name() -> String? {
        let text = self.string(maximum: 12)
        return text.isEmpty ? nil : text
    }

    mutating func payload() -> GamePayload {
        let length = Int.random(in: 0...64, using: &self.generator)
        return GamePayload(bytes: self.generator.bytes(length))
    }

    mutating func key() -> SessionKey { SessionKey.random(using: &self.generator) }

    mutating func channel() -> GameChannel { Bool.random(using: &self.generator) ? .reliable : .unreliable }

    mutating func members() -> [GameMessage.Member] {
        (0..<Int.random(in: 0...5, using: &self.generator)).map { _ in
            GameMessage.Member(sessionID: self.sessionID(), name: self.name())
        }
    }

    mutating func message() -> GameMessage {
        let type = GameMessage.MessageType.allCases.randomElement(using: &self.generator)!
        return self.message(of: type)
    }

    mutating func message(of type: GameMessage.MessageType) -> GameMessage {
        switch type {
        case .clientHello:
            let versions = (0..<Int.random(in: 1...4, using: &self.generator)).map { _ in self.integer(UInt16.self) }
            let resume =
                Bool.random(using: &self.generator)
                ? GameMessage.ResumeRequest(
                    sessionID: self.sessionID(),
                    key: self.key(),
                    lastReceivedSequence: self.integer()
                ) : nil
            return .clientHello(.init(versions: versions, resume: resume))
        case .hello:
            return .hello(
                .init(
                    version: self.integer(),
                    sessionID: self.sessionID(),
                    key: self.key(),
                    heartbeatIntervalMilliseconds: self.integer(),
                    udpPort: self.integer(),
                    udpKeepaliveIntervalMilliseconds: self.integer(),
                    maximumMessageSize: self.integer(),
                    maximumRooms: self.integer(),
                    messagesPerSecond: self.integer(),
                    resumeWindowMilliseconds: self.integer()
                )
            )
        case .resumeAccepted:
            let rooms = (0..<Int.random(in: 0...3, using: &self.generator)).map { _ in
                GameMessage.RoomName(namespace: self.string(), room: self.string())
            }
            return .resumeAccepted(.init(sessionID: self.sessionID(), lastSequence: self.integer(), rooms: rooms))
        case .resumeRejected:
            return .resumeRejected(.init(reason: .init(rawValue: self.integer()), message: self.string()))
        case .goodbye:
            return .goodbye(.init(reason: .init(rawValue: self.integer()), message: self.string()))
        case .udpBind:
            return .udpBind
        case .udpBound:
            return .udpBound(.init(sessionID: self.sessionID()))
        case .udpKeepalive:
            return .udpKeepalive
        case .join:
            let maximum: UInt16 = self.integer()
            return .join(
                .init(
                    namespace: self.string(),
                    room: self.string(),
                    maximumMembers: maximum == 0 ? nil : maximum,
                    name: self.name()
                )
            )
        case .joined:
            return .joined(.init(namespace: self.string(), room: self.string(), members: self.members()))
        case .leave:
            return .leave(.init(namespace: self.string(), room: self.string()))
        case .left:
            return .left(.init(namespace: self.string(), room: self.string()))
        case .memberEntered:
            return .memberEntered(
                .init(
                    namespace: self.string(),
                    room: self.string(),
                    member: .init(sessionID: self.sessionID(), name: self.name())
                )
            )
        case .memberExited:
            return .memberExited(
                .init(
                    namespace: self.string(),
                    room: self.string(),
                    sessionID: self.sessionID(),
                    reason: .init(rawValue: self.integer())
                )
            )
        case .listMembers:
            return .listMembers(.init(namespace: self.string(), room: self.string()))
        case .members:
            return .members(.init(namespace: self.string(), room: self.string(), members: self.members()))
        case .broadcast:
            return .broadcast(
                .init(
                    namespace: self.string(),
                    room: self.string(),
                    includesSender: Bool.random(using: &self.generator),
                    channel: self.channel(),
                    payload: self.payload()
                )
            )
        case .roomMessage:
            return .roomMessage(
                .init(
                    namespace: self.string(),
                    room: self.string(),
                    senderID: self.sessionID(),
                    senderName: self.name(),
                    payload: self.payload()
                )
            )
        case .send:
            return .send(.init(recipientID: self.sessionID(), channel: self.channel(), payload: self.payload()))
        case .directMessage:
            return .directMessage(.init(senderID: self.sessionID(), payload: self.payload()))
        case .request:
            return .request(
                .init(
                    requestID: self.integer(),
                    recipientID: self.sessionID(),
                    timeoutMilliseconds: self.integer(),
                    payload: self.payload()
                )
            )
        case .incomingRequest:
            return .incomingRequest(
                .init(
                    requestID: self.integer(),
                    senderID: self.sessionID(),
                    timeoutMilliseconds: self.integer(),
                    payload: self.payload()
                )
            )
        case .ack:
            return .ack(.init(requestID: self.integer(), recipientID: self.sessionID(), payload: self.payload()))
        case .ackReceived:
            return .ackReceived(.init(requestID: self.integer(), senderID: self.sessionID(), payload: self.payload()))
        case .requestFailed:
            return .requestFailed(.init(requestID: self.integer(), reason: .init(rawValue: self.integer())))
        case .ping:
            return .ping(.init(timestamp: self.integer()))
        case .pong:
            return .pong(.init(timestamp: self.integer()))
        case .error:
            return .error(.init(code: .init(rawValue: self.integer()), message: self.string()))
        case .warning:
            return .warning(.init(code: .init(rawValue: self.integer()), message: self.string()))
        }
    }
}
