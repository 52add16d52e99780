/// Why a request got no acknowledgement: the reason of a `requestFailed` message.
///
/// A struct over the raw code rather than an enum, so a code added by a later server still decodes (as
/// NIO's `HTTPResponseStatus` keeps unknown statuses).
package struct RequestFailureReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The recipient did not acknowledge within the request's timeout.
    package static let timeout = RequestFailureReason(rawValue: 1)

    /// No session with the recipient id is connected.
    package static let noSuchSession = RequestFailureReason(rawValue: 2)

    /// The recipient's session ended before it acknowledged.
    package static let recipientGone = RequestFailureReason(rawValue: 3)

    /// Every code this version defines.
    package static let allKnown: [RequestFailureReason] = [.timeout, .noSuchSession, .recipientGone]

    /// The code's name in this documentation, or its number when this version does not define it.
    package var name: String {
        switch self.rawValue {
        case 1: return "timeout"
        case 2: return "noSuchSession"
        case 3: return "recipientGone"
        default: return String(self.rawValue)
        }
    }

    package var description: String { "\(self.name) (\(self.rawValue))" }
}
