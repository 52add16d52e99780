import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON form of the protocol, carried in WebSocket text frames so that a browser client needs no codec.
///
/// A message is one JSON object: `"type"` holds the message's name (`"join"`, `"roomMessage"`, …), the message's
/// fields sit beside it under their names, and a reliable message from the server has its sequence number in
/// `"seq"`. Payloads are strings when they are UTF-8 and `{"base64": "…"}` otherwise; keys are 32 hexadecimal digits;
/// all other numbers are JSON numbers. Datagram frames have no JSON form: UDP carries the binary form only.
package enum GameJSONCodec {
    /// The JSON text of `message`, with `"seq"` when `sequence` is given.
    package static func encode(_ message: GameMessage, sequence: UInt64? = nil) throws(GameProtocolError) -> ByteBuffer
    {
        if sequence == nil, let text = GameJSONWriter.encode(message) {
            return text
        }
        do {
            let data = try Self.encoder.encode(Envelope(sequence: sequence, message: message))
            return ByteBuffer(bytes: data)
        } catch {
            throw .invalidJSON(Self.describe(error))
        }
    }

    /// A message and its sequence number from one JSON text.
    package static func decode(
        _ text: ByteBuffer,
        maximumMessageSize: Int = .max
    ) throws(GameProtocolError) -> (sequence: UInt64?, message: GameMessage) {
        guard text.readableBytes <= maximumMessageSize else {
            throw .messageTooLarge(length: text.readableBytes, limit: maximumMessageSize)
        }
        if let broadcast = GameJSONScanner.broadcast(in: text) {
            return (nil, .broadcast(broadcast))
        }
        do {
            let envelope = try text.withUnsafeReadableBytes { bytes in
                try JSONDecoder().decode(Envelope.self, from: Data(bytes))
            }
            return (envelope.sequence, envelope.message)
        } catch let error as GameProtocolError {
            throw error
        } catch {
            throw .invalidJSON(Self.describe(error))
        }
    }

    /// The JSON text of an encoded message with `"seq"` added in front: `{"seq":7,` followed by the text after its
    /// opening brace. A room fan-out encodes a message once and gives each member its own sequence number this way.
    package static func sequenced(_ text: ByteBuffer, sequence: UInt64) -> ByteBuffer {
        var result = ByteBuffer()
        result.reserveCapacity(text.readableBytes + 24)
        result.writeString("{\"seq\":\(sequence),")
        result.writeImmutableBuffer(text.getSlice(at: text.readerIndex + 1, length: text.readableBytes - 1)!)
        return result
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        // Sorted keys make the text of a message the same every run; slashes stay unescaped for namespaces.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context),
            DecodingError.keyNotFound(_, let context),
            DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return String(describing: error)
        }
    }

    private struct Envelope: Codable {
        var sequence: UInt64?
        var message: GameMessage

        init(sequence: UInt64?, message: GameMessage) {
            self.sequence = sequence
            self.message = message
        }

        private enum CodingKeys: String, CodingKey {
            case type
            case seq
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let name = try container.decode(String.self, forKey: .type)
            guard let type = GameMessage.MessageType(jsonName: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .type,
                    in: container,
                    debugDescription: "unknown message type \"\(name)\""
                )
            }
            self.sequence = try container.decodeIfPresent(UInt64.self, forKey: .seq)
            self.message = try GameMessage(type: type, decodingFieldsFrom: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.message.type.jsonName, forKey: .type)
            try container.encodeIfPresent(self.sequence, forKey: .seq)
            try self.message.encodeFields(to: encoder)
        }
    }
}

extension GameMessage {
    // The fields of each message sit in the same JSON object as "type" and "seq".
    func encodeFields(to encoder: any Encoder) throws {
        switch self {
        case .clientHello(let message): try message.encode(to: encoder)
        case .hello(let message): try message.encode(to: encoder)
        case .resumeAccepted(let message): try message.encode(to: encoder)
        case .resumeRejected(let message): try message.encode(to: encoder)
        case .goodbye(let message): try message.encode(to: encoder)
        case .udpBound(let message): try message.encode(to: encoder)
        case .join(let message): try message.encode(to: encoder)
        case .joined(let message): try message.encode(to: encoder)
        case .leave(let message): try message.encode(to: encoder)
        case .left(let message): try message.encode(to: encoder)
        case .memberEntered(let message): try message.encode(to: encoder)
        case .memberExited(let message): try message.encode(to: encoder)
        case .listMembers(let message): try message.encode(to: encoder)
        case .members(let message): try message.encode(to: encoder)
        case .broadcast(let message): try message.encode(to: encoder)
        case .roomMessage(let message): try message.encode(to: encoder)
        case .send(let message): try message.encode(to: encoder)
        case .directMessage(let message): try message.encode(to: encoder)
        case .request(let message): try message.encode(to: encoder)
        case .incomingRequest(let message): try message.encode(to: encoder)
        case .ack(let message): try message.encode(to: encoder)
        case .ackReceived(let message): try message.encode(to: encoder)
        case .requestFailed(let message): try message.encode(to: encoder)
        case .ping(let message): try message.encode(to: encoder)
        case .pong(let message): try message.encode(to: encoder)
        case .error(let message): try message.encode(to: encoder)
        case .warning(let message): try message.encode(to: encoder)
        case .udpBind, .udpKeepalive: break
        }
    }

    init(type: MessageType, decodingFieldsFrom decoder: any Decoder) throws {
        switch type {
        case .clientHello: self = .clientHello(try ClientHello(from: decoder))
        case .hello: self = .hello(try Hello(from: decoder))
        case .resumeAccepted: self = .resumeAccepted(try ResumeAccepted(from: decoder))
        case .resumeRejected: self = .resumeRejected(try ResumeRejected(from: decoder))
        case .goodbye: self = .goodbye(try Goodbye(from: decoder))
        case .udpBound: self = .udpBound(try UDPBound(from: decoder))
        case .join: self = .join(try Join(from: decoder))
        case .joined: self = .joined(try Joined(from: decoder))
        case .leave: self = .leave(try Leave(from: decoder))
        case .left: self = .left(try Left(from: decoder))
        case .memberEntered: self = .memberEntered(try MemberEntered(from: decoder))
        case .memberExited: self = .memberExited(try MemberExited(from: decoder))
        case .listMembers: self = .listMembers(try ListMembers(from: decoder))
        case .members: self = .members(try Members(from: decoder))
        case .broadcast: self = .broadcast(try Broadcast(from: decoder))
        case .roomMessage: self = .roomMessage(try RoomMessage(from: decoder))
        case .send: self = .send(try Send(from: decoder))
        case .directMessage: self = .directMessage(try DirectMessage(from: decoder))
        case .request: self = .request(try Request(from: decoder))
        case .incomingRequest: self = .incomingRequest(try IncomingRequest(from: decoder))
        case .ack: self = .ack(try Ack(from: decoder))
        case .ackReceived: self = .ackReceived(try AckReceived(from: decoder))
        case .requestFailed: self = .requestFailed(try RequestFailed(from: decoder))
        case .ping: self = .ping(try Ping(from: decoder))
        case .pong: self = .pong(try Pong(from: decoder))
        case .error: self = .error(try ErrorMessage(from: decoder))
        case .warning: self = .warning(try Warning(from: decoder))
        case .udpBind: self = .udpBind
        case .udpKeepalive: self = .udpKeepalive
        }
    }
}
