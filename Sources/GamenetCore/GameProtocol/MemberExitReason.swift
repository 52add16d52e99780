/// Why a member left a room: the reason of a `memberExited` event.
///
/// A struct over the raw code rather than an enum, so a code added by a later server still decodes (as
/// NIO's `HTTPResponseStatus` keeps unknown statuses).
package struct MemberExitReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The member sent `leave`.
    package static let left = MemberExitReason(rawValue: 0)

    /// The member's session ended: a goodbye, a disconnect past the resume window, or a limit.
    package static let sessionEnded = MemberExitReason(rawValue: 1)

    /// Every code this version defines.
    package static let allKnown: [MemberExitReason] = [.left, .sessionEnded]

    /// The code's name in this documentation, or its number when this version does not define it.
    package var name: String {
        switch self.rawValue {
        case 0: return "left"
        case 1: return "sessionEnded"
        default: return String(self.rawValue)
        }
    }

    package var description: String { "\(self.name) (\(self.rawValue))" }
}
