/// The code of an `error` message: why the server refused one message. The session stays open.
///
/// A struct over the raw code rather than an enum, so a code added by a later server still decodes (as
/// NIO's `HTTPResponseStatus` keeps unknown statuses).
package struct GameErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package var rawValue: UInt16

    package init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// A message that did not decode; the reason text names the field.
    package static let malformedMessage = GameErrorCode(rawValue: 1)

    /// A message that is valid but not allowed here, such as a join before the handshake or a `hello` from a client.
    package static let unexpectedMessage = GameErrorCode(rawValue: 2)

    /// A message over the session's maximum message size.
    package static let messageTooLarge = GameErrorCode(rawValue: 3)

    /// A join of a room that has reached its maximum size.
    package static let roomFull = GameErrorCode(rawValue: 4)

    /// A join beyond the session's maximum number of rooms.
    package static let tooManyRooms = GameErrorCode(rawValue: 5)

    /// A leave, broadcast or member list of a room the session has not joined.
    package static let notInRoom = GameErrorCode(rawValue: 6)

    /// A direct message to a session id that is not connected.
    package static let noSuchSession = GameErrorCode(rawValue: 7)

    /// An empty namespace or room name.
    package static let invalidName = GameErrorCode(rawValue: 8)

    /// A join of a room the session is already in.
    package static let alreadyInRoom = GameErrorCode(rawValue: 9)

    /// Every code this version defines.
    package static let allKnown: [GameErrorCode] = [
        .malformedMessage, .unexpectedMessage, .messageTooLarge, .roomFull, .tooManyRooms, .notInRoom, .noSuchSession,
        .invalidName, .alreadyInRoom,
    ]

    /// The code's name in this documentation, or its number when this version does not define it.
    package var name: String {
        switch self.rawValue {
        case 1: return "malformedMessage"
        case 2: return "unexpectedMessage"
        case 3: return "messageTooLarge"
        case 4: return "roomFull"
        case 5: return "tooManyRooms"
        case 6: return "notInRoom"
        case 7: return "noSuchSession"
        case 8: return "invalidName"
        case 9: return "alreadyInRoom"
        default: return String(self.rawValue)
        }
    }

    package var description: String { "\(self.name) (\(self.rawValue))" }
}
