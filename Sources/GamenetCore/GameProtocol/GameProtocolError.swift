/// A gamenet protocol message that cannot be decoded, or a handshake that cannot go on.
///
/// Each case names the field at fault, so a server can log one line that says what a client got wrong, and a test can
/// match the exact cause.
package enum GameProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The type byte names no message of this protocol version.
    case unknownMessageType(UInt8)
    /// The message ends inside `field`: `needed` bytes were due and only `available` were left.
    case truncated(field: String, needed: Int, available: Int)
    /// A string or payload longer than the protocol allows.
    case fieldTooLong(field: String, length: Int, limit: Int)
    /// A string field that is not valid UTF-8.
    case invalidUTF8(field: String)
    /// Bytes left over after a complete message.
    case trailingBytes(count: Int)
    /// A client hello that offers no version this server speaks.
    case unsupportedVersion(offered: [UInt16])
    /// A field holds a value the protocol does not define (a flag bit, a boolean other than 0 or 1, a magic).
    case invalidValue(field: String, value: UInt64)
    /// A whole message (a length prefix, a datagram, a WebSocket frame) over the negotiated maximum size.
    case messageTooLarge(length: Int, limit: Int)
    /// A WebSocket text frame that is not a JSON message of this protocol.
    case invalidJSON(String)

    package var description: String {
        switch self {
        case .unknownMessageType(let type):
            return "unknown message type 0x\(String(type, radix: 16))"
        case .truncated(let field, let needed, let available):
            return "message truncated in \(field): \(needed) bytes needed, \(available) left"
        case .fieldTooLong(let field, let length, let limit):
            return "\(field) of \(length) bytes exceeds the limit of \(limit) bytes"
        case .invalidUTF8(let field):
            return "\(field) is not valid UTF-8"
        case .trailingBytes(let count):
            return "\(count) bytes after the end of the message"
        case .unsupportedVersion(let offered):
            return "no supported protocol version among \(offered)"
        case .invalidValue(let field, let value):
            return "invalid \(field): \(value)"
        case .messageTooLarge(let length, let limit):
            return "message of \(length) bytes exceeds the limit of \(limit) bytes"
        case .invalidJSON(let reason):
            return "invalid JSON message: \(reason)"
        }
    }

    /// The same failure as a ``GamenetError`` for a command's exit status (bad data, 65).
    package var gamenetError: GamenetError {
        GamenetError(.badData, self.description)
    }
}
