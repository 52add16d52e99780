/// A message stream that breaks its framing's rules.
package enum FramingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A message longer than the configured limit.
    case messageTooLong(length: Int, limit: Int)
    /// The stream ended in the middle of a length-prefixed message.
    case truncatedMessage(expected: Int, received: Int)

    package var description: String {
        switch self {
        case .messageTooLong(let length, let limit):
            return "message of \(length) bytes exceeds the limit of \(limit) bytes"
        case .truncatedMessage(let expected, let received):
            return "stream ended inside a message: \(received) of \(expected) bytes received"
        }
    }
}
