// Namespaces and rooms: join, leave, members, broadcast.
extension GameServer {
    mutating func join(_ join: GameMessage.Join, by sessionID: UInt64) {
        let address = RoomAddress(namespace: join.namespace, room: join.room)
        guard let session = self.sessions[sessionID] else { return }
        guard !join.namespace.isEmpty, !join.room.isEmpty else {
            self.sendError(.invalidName, "a namespace and a room name must not be empty", to: sessionID)
            return
        }
        guard !session.rooms.contains(address) else {
            self.sendError(.alreadyInRoom, "already in \(address)", to: sessionID)
            return
        }
        guard session.rooms.count < self.configuration.maximumRoomsPerSession else {
            self.sendError(.tooManyRooms, "at most \(self.configuration.maximumRoomsPerSession) rooms", to: sessionID)
            return
        }
        // Rooms are changed in place: a copy would copy the member list on every join.
        if let existing = self.rooms[address]?.maximumMembers, self.rooms[address]?.isFull == true {
            self.sendError(.roomFull, "\(address) is full (\(existing) members)", to: sessionID)
            return
        }
        if self.rooms[address] == nil {
            self.sessions.metrics.roomsCreated += 1
            let maximum = join.maximumMembers.map(Int.init) ?? self.configuration.maximumRoomSize
            self.rooms[address] = Room(
                address: address,
                maximumMembers: min(maximum, self.configuration.maximumRoomSize)
            )
        }
        let others = self.rooms[address]?.memberIDsInOrder ?? []
        let member = GameMessage.Member(sessionID: sessionID, name: join.name)
        self.rooms[address]?.add(member)
        self.sessions[sessionID]?.rooms.insert(address)
        let members = self.rooms[address]?.members ?? []
        self.sessions.sendSequenced(
            .joined(.init(namespace: address.namespace, room: address.room, members: members)),
            to: sessionID
        )
        let entered = GameMessage.memberEntered(.init(namespace: address.namespace, room: address.room, member: member))
        if !others.isEmpty, let encoded = try? EncodedGameMessage(entered, channel: .reliable) {
            self.sessions.deliver(encoded, to: others)
        }
    }

    mutating func leave(_ address: RoomAddress, by sessionID: UInt64) {
        guard self.sessions[sessionID]?.rooms.contains(address) == true else {
            self.sendError(.notInRoom, "not in \(address)", to: sessionID)
            return
        }
        self.sessions.sendSequenced(.left(.init(namespace: address.namespace, room: address.room)), to: sessionID)
        self.removeMember(sessionID, from: address, reason: .left)
    }

    /// Takes a session out of a room, tells the others, and removes the room when it is empty.
    mutating func removeMember(_ sessionID: UInt64, from address: RoomAddress, reason: MemberExitReason) {
        self.sessions[sessionID]?.rooms.remove(address)
        self.rooms[address]?.remove(sessionID)
        guard let remaining = self.rooms[address]?.memberIDsInOrder else { return }
        guard !remaining.isEmpty else {
            // Rooms exist while they have members, as Socket.IO's and Nakama's do.
            self.rooms[address] = nil
            return
        }
        let exited = GameMessage.memberExited(
            .init(namespace: address.namespace, room: address.room, sessionID: sessionID, reason: reason)
        )
        if let encoded = try? EncodedGameMessage(exited, channel: .reliable) {
            self.sessions.deliver(encoded, to: remaining)
        }
    }

    mutating func listMembers(of address: RoomAddress, for sessionID: UInt64) {
        guard let room = self.rooms[address], room.contains(sessionID) else {
            self.sendError(.notInRoom, "not in \(address)", to: sessionID)
            return
        }
        self.sessions.sendSequenced(
            .members(.init(namespace: address.namespace, room: address.room, members: room.members)),
            to: sessionID
        )
    }

    /// Encodes the room message once and hands the same bytes to every recipient.
    mutating func broadcast(_ broadcast: GameMessage.Broadcast, from sessionID: UInt64) {
        let address = RoomAddress(namespace: broadcast.namespace, room: broadcast.room)
        guard let room = self.rooms[address], room.contains(sessionID) else {
            self.sendError(.notInRoom, "not in \(address)", to: sessionID)
            return
        }
        let message = GameMessage.roomMessage(
            .init(
                namespace: address.namespace,
                room: address.room,
                senderID: sessionID,
                senderName: room.name(of: sessionID),
                payload: broadcast.payload
            )
        )
        guard let encoded = try? EncodedGameMessage(message, channel: broadcast.channel) else { return }
        // Socket.IO's socket.to(room).emit leaves the sender out; includesSender is io.in(room).emit.
        let recipients = room.members.lazy.map(\.sessionID).filter { broadcast.includesSender || $0 != sessionID }
        self.sessions.deliver(encoded, to: recipients)
    }
}
