/// One message of the gamenet game protocol, in either direction.
///
/// The binary form (``GameFrame/encode(into:)``) starts with the type byte of ``MessageType``; the JSON form
/// (``GameJSONCodec``) carries the same name in its `"type"` field. The article "The gamenet game protocol" in this
/// module's documentation describes every field.
package enum GameMessage: Hashable, Sendable {
    // MARK: - Handshake and session
    /// Client → server, first on every reliable connection: versions offered, and an optional resume request.
    case clientHello(ClientHello)
    /// Server → client: the new session's id, key and limits.
    case hello(Hello)
    /// Server → client: the resume request succeeded; the missed messages follow.
    case resumeAccepted(ResumeAccepted)
    /// Server → client: the resume request failed; a `hello` for a new session follows.
    case resumeRejected(ResumeRejected)
    /// Either direction: the session ends, with a reason.
    case goodbye(Goodbye)

    // MARK: - UDP
    /// Client → server, in a datagram frame on the UDP port: bind this address to the session.
    case udpBind
    /// Server → client, on UDP: the bind succeeded.
    case udpBound(UDPBound)
    /// Client → server, in a datagram frame on the UDP port: keeps the NAT mapping open.
    case udpKeepalive

    // MARK: - Rooms
    /// Client → server: join a room, creating it on the first join.
    case join(Join)
    /// Server → client: the session is in the room; the members present.
    case joined(Joined)
    /// Client → server: leave a room.
    case leave(Leave)
    /// Server → client: the session has left the room.
    case left(Left)
    /// Server → client: a session joined a room this session is in.
    case memberEntered(MemberEntered)
    /// Server → client: a session left a room this session is in.
    case memberExited(MemberExited)
    /// Client → server: ask for a room's members.
    case listMembers(ListMembers)
    /// Server → client: a room's members.
    case members(Members)
    /// Client → server: send a payload to every member of a room.
    case broadcast(Broadcast)
    /// Server → client: a payload broadcast to a room.
    case roomMessage(RoomMessage)

    // MARK: - Sessions
    /// Client → server: send a payload to one session.
    case send(Send)
    /// Server → client: a payload sent to this session.
    case directMessage(DirectMessage)
    /// Client → server: send a request to one session, which must acknowledge it within a timeout.
    case request(Request)
    /// Server → client: a request this session should acknowledge.
    case incomingRequest(IncomingRequest)
    /// Client → server: acknowledge a request.
    case ack(Ack)
    /// Server → client: the acknowledgement of this session's request.
    case ackReceived(AckReceived)
    /// Server → client: this session's request got no acknowledgement.
    case requestFailed(RequestFailed)

    // MARK: - Liveness and control
    /// Either direction: asks for a `pong` echoing the timestamp.
    case ping(Ping)
    /// Either direction: the answer to a `ping`.
    case pong(Pong)
    /// Server → client: one message was refused; the session goes on.
    case error(ErrorMessage)
    /// Server → client: the server will act if the client goes on.
    case warning(Warning)

    /// The type byte of each message in the binary form.
    package enum MessageType: UInt8, CaseIterable, Hashable, Sendable {
        case clientHello = 0x01
        case hello = 0x02
        case resumeAccepted = 0x03
        case resumeRejected = 0x04
        case goodbye = 0x05
        case udpBind = 0x10
        case udpBound = 0x11
        case udpKeepalive = 0x12
        case join = 0x20
        case joined = 0x21
        case leave = 0x22
        case left = 0x23
        case memberEntered = 0x24
        case memberExited = 0x25
        case listMembers = 0x26
        case members = 0x27
        case broadcast = 0x30
        case roomMessage = 0x31
        case send = 0x32
        case directMessage = 0x33
        case request = 0x34
        case incomingRequest = 0x35
        case ack = 0x36
        case ackReceived = 0x37
        case requestFailed = 0x38
        case ping = 0x40
        case pong = 0x41
        case error = 0x50
        case warning = 0x51

        /// The name of the type in the JSON form's `"type"` field: the case's name.
        package var jsonName: String { Self.jsonNames[self]! }

        /// The type for a JSON `"type"` name.
        package init?(jsonName: String) {
            guard let type = Self.typesByJSONName[jsonName] else { return nil }
            self = type
        }

        // Made once: `String(describing:)` reflects on the case at every call, which a room of JSON clients would
        // pay for on every message in and out.
        private static let jsonNames: [MessageType: String] = Dictionary(
            uniqueKeysWithValues: allCases.map { ($0, String(describing: $0)) }
        )
        private static let typesByJSONName: [String: MessageType] = Dictionary(
            uniqueKeysWithValues: allCases.map { (String(describing: $0), $0) }
        )
    }

    /// This message's type.
    package var type: MessageType {
        switch self {
        case .clientHello: return .clientHello
        case .hello: return .hello
        case .resumeAccepted: return .resumeAccepted
        case .resumeRejected: return .resumeRejected
        case .goodbye: return .goodbye
        case .udpBind: return .udpBind
        case .udpBound: return .udpBound
        case .udpKeepalive: return .udpKeepalive
        case .join: return .join
        case .joined: return .joined
        case .leave: return .leave
        case .left: return .left
        case .memberEntered: return .memberEntered
        case .memberExited: return .memberExited
        case .listMembers: return .listMembers
        case .members: return .members
        case .broadcast: return .broadcast
        case .roomMessage: return .roomMessage
        case .send: return .send
        case .directMessage: return .directMessage
        case .request: return .request
        case .incomingRequest: return .incomingRequest
        case .ack: return .ack
        case .ackReceived: return .ackReceived
        case .requestFailed: return .requestFailed
        case .ping: return .ping
        case .pong: return .pong
        case .error: return .error
        case .warning: return .warning
        }
    }
}
