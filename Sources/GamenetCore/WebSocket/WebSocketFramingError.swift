import NIOWebSocket

/// A frame header that breaks the framing rules of RFC 6455 §5.2 and §5.5, or announces more than the connection
/// accepts; the connection is failed with ``closeCode``.
package enum WebSocketFramingError: Error, Hashable, CustomStringConvertible {
    /// A 64-bit payload length with its most significant bit set (§5.2: it must be 0).
    case lengthTopBitSet
    /// A payload length written in more bytes than it needs (§5.2: the minimal number of bytes must be used).
    case nonMinimalLength(UInt64)
    /// A control frame with more than 125 bytes of payload (§5.5).
    case controlFrameTooLong(UInt64)
    /// A control frame without FIN (§5.5: control frames must not be fragmented).
    case fragmentedControlFrame
    /// A frame longer than the connection's largest message.
    case frameTooLarge(length: UInt64, maximum: Int)

    /// The status code of the close frame that fails the connection (§7.4.1).
    package var closeCode: WebSocketErrorCode {
        switch self {
        case .lengthTopBitSet, .nonMinimalLength, .controlFrameTooLong, .fragmentedControlFrame:
            return .protocolError
        case .frameTooLarge:
            return .messageTooLarge
        }
    }

    package var description: String {
        switch self {
        case .lengthTopBitSet:
            return "64-bit payload length with the most significant bit set"
        case .nonMinimalLength(let length):
            return "payload length \(length) not in its shortest form"
        case .controlFrameTooLong(let length):
            return "control frame with \(length) bytes of payload (at most 125)"
        case .fragmentedControlFrame:
            return "fragmented control frame"
        case .frameTooLarge(let length, let maximum):
            return "frame of \(length) bytes, larger than \(maximum)"
        }
    }
}
