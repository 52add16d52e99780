import NIOCore

/// One unit of the binary protocol: a message, a message with the server's sequence number, or a message in a UDP
/// datagram with the credentials of its session.
///
/// A frame is what one length-prefixed block on a stream, one KCP message, one binary WebSocket frame or one UDP
/// datagram holds.
package enum GameFrame: Hashable, Sendable {
    /// A message without a sequence number: handshake, heartbeat, goodbye, or anything sent unreliably.
    case message(GameMessage)
    /// A reliable message from the server with its per-session sequence number (1, 2, 3, …), which a resume
    /// replays exactly once.
    case sequenced(UInt64, GameMessage)
    /// A datagram from a client on the UDP port, with the credentials of its session (the KCP wiki's "Cooperate With
    /// Tcp Server": every UDP packet carries the id and key the stream login handed out).
    case datagram(SessionCredentials, GameMessage)

    /// The type byte of a sequenced frame.
    package static let sequencedType: UInt8 = 0x7E
    /// The type byte of a datagram frame.
    package static let datagramType: UInt8 = 0x7F

    /// The message the frame carries.
    package var message: GameMessage {
        switch self {
        case .message(let message), .sequenced(_, let message), .datagram(_, let message): return message
        }
    }

    /// Appends the binary form of the frame to `buffer`.
    package func encode(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        switch self {
        case .message(let message):
            try message.writeBinary(into: &buffer)
        case .sequenced(let sequence, let message):
            buffer.writeInteger(Self.sequencedType)
            buffer.writeInteger(sequence)
            try message.writeBinary(into: &buffer)
        case .datagram(let credentials, let message):
            buffer.writeInteger(Self.datagramType)
            buffer.writeInteger(credentials.sessionID)
            buffer.writeSessionKey(credentials.key)
            try message.writeBinary(into: &buffer)
        }
    }

    /// Decodes one whole frame: every byte of `buffer` must belong to it.
    package init(decoding buffer: ByteBuffer) throws(GameProtocolError) {
        var reader = GameBinaryReader(buffer)
        let type = try reader.readInteger(field: "type", as: UInt8.self)
        switch type {
        case Self.sequencedType:
            let sequence = try reader.readInteger(field: "sequence", as: UInt64.self)
            self = .sequenced(sequence, try Self.readMessage(&reader))
        case Self.datagramType:
            let sessionID = try reader.readInteger(field: "datagram.sessionID", as: UInt64.self)
            let key = try reader.readSessionKey(field: "datagram.key")
            self = .datagram(SessionCredentials(sessionID: sessionID, key: key), try Self.readMessage(&reader))
        default:
            guard let messageType = GameMessage.MessageType(rawValue: type) else { throw .unknownMessageType(type) }
            self = .message(try GameMessage(reading: &reader, type: messageType))
        }
        try reader.finish()
    }

    // A sequenced or datagram frame holds exactly one message, never another frame.
    private static func readMessage(_ reader: inout GameBinaryReader) throws(GameProtocolError) -> GameMessage {
        let type = try reader.readInteger(field: "type", as: UInt8.self)
        guard let messageType = GameMessage.MessageType(rawValue: type) else { throw .unknownMessageType(type) }
        return try GameMessage(reading: &reader, type: messageType)
    }
}
