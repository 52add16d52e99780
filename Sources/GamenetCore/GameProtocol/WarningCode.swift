/// The code of a `warning` message: the server will act if the client goes on.
///
/// A struct over the raw code rather than an enum, so a code added by a later server still decodes (as
/// NIO's `HTTPResponseStatus` keeps unknown statuses).
package struct WarningCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package var rawValue: UInt16

    package init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// The client sends faster than its message rate; messages over the rate are dropped, and a client that keeps on is disconnected.
    package static let rateLimit = WarningCode(rawValue: 1)

    /// Every code this version defines.
    package static let allKnown: [WarningCode] = [.rateLimit]

    /// The code's name in this documentation, or its number when this version does not define it.
    package var name: String {
        switch self.rawValue {
        case 1: return "rateLimit"
        default: return String(self.rawValue)
        }
    }

    package var description: String { "\(self.name) (\(self.rawValue))" }
}
