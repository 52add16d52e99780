/// A room, named by its namespace and its name within it.
package struct RoomAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    package var namespace: String
    package var room: String

    package init(namespace: String, room: String) {
        self.namespace = namespace
        self.room = room
    }

    package static func < (lhs: RoomAddress, rhs: RoomAddress) -> Bool {
        (lhs.namespace, lhs.room) < (rhs.namespace, rhs.room)
    }

    package var description: String { "\(self.namespace)/\(self.room)" }

    /// The room as the protocol's `RoomName`.
    package var roomName: GameMessage.RoomName { .init(namespace: self.namespace, room: self.room) }
}
