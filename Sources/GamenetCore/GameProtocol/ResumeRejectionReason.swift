/// Why a resume request failed; the server then starts a new session, and the client rejoins its rooms.
///
/// A struct over the raw code rather than an enum, so a code added by a later server still decodes (as
/// NIO's `HTTPResponseStatus` keeps unknown statuses).
package struct ResumeRejectionReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// No session has this id: it never existed, or its resume window passed.
    package static let unknownSession = ResumeRejectionReason(rawValue: 1)

    /// The key does not match the session's key.
    package static let wrongKey = ResumeRejectionReason(rawValue: 2)

    /// Messages the client missed have already left the session's bounded replay buffer, so they cannot be replayed exactly once.
    package static let replayOverflow = ResumeRejectionReason(rawValue: 3)

    /// The client claims a sequence number the server never sent.
    package static let sequenceAhead = ResumeRejectionReason(rawValue: 4)

    /// Every code this version defines.
    package static let allKnown: [ResumeRejectionReason] = [
        .unknownSession, .wrongKey, .replayOverflow, .sequenceAhead,
    ]

    /// The code's name in this documentation, or its number when this version does not define it.
    package var name: String {
        switch self.rawValue {
        case 1: return "unknownSession"
        case 2: return "wrongKey"
        case 3: return "replayOverflow"
        case 4: return "sequenceAhead"
        default: return String(self.rawValue)
        }
    }

    package var description: String { "\(self.name) (\(self.rawValue))" }
}
