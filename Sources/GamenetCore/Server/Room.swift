/// A room: its members in the order they joined, and its size limit.
package struct Room {
    package let address: RoomAddress
    /// The most members the room admits.
    package let maximumMembers: Int
    /// The members in the order they joined.
    package private(set) var members: [GameMessage.Member] = []
    private var memberIDs: Set<UInt64> = []

    package init(address: RoomAddress, maximumMembers: Int) {
        self.address = address
        self.maximumMembers = maximumMembers
    }

    package var isEmpty: Bool { self.members.isEmpty }
    package var isFull: Bool { self.members.count >= self.maximumMembers }

    package func contains(_ sessionID: UInt64) -> Bool {
        self.memberIDs.contains(sessionID)
    }

    /// The session ids of the members in join order.
    package var memberIDsInOrder: [UInt64] { self.members.map(\.sessionID) }

    /// The display name of a member.
    package func name(of sessionID: UInt64) -> String? {
        self.members.first { $0.sessionID == sessionID }?.name
    }

    mutating func add(_ member: GameMessage.Member) {
        self.members.append(member)
        self.memberIDs.insert(member.sessionID)
    }

    mutating func remove(_ sessionID: UInt64) {
        guard self.memberIDs.remove(sessionID) != nil else { return }
        self.members.removeAll { $0.sessionID == sessionID }
    }
}
