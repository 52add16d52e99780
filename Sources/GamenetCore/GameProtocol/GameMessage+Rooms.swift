// The messages of namespaces and rooms.
extension GameMessage {
    /// A request to join a room, which is created on its first join.
    package struct Join: Hashable, Sendable, Codable {
        /// The namespace of the room, 1 to 255 bytes of UTF-8 (for example `/` or `/game`).
        package var namespace: String
        /// The room's name in its namespace, 1 to 255 bytes of UTF-8.
        package var room: String
        /// The room's maximum size, used only when this join creates the room; `nil` (0 on the wire) for no limit.
        package var maximumMembers: UInt16?
        /// The display name other members see, or `nil` (empty on the wire).
        package var name: String?

        package init(namespace: String, room: String, maximumMembers: UInt16? = nil, name: String? = nil) {
            self.namespace = namespace
            self.room = room
            self.maximumMembers = maximumMembers
            self.name = name
        }
    }

    /// The session is now in a room.
    package struct Joined: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String
        /// The members, this session included, in the order they joined.
        package var members: [Member]

        package init(namespace: String, room: String, members: [Member]) {
            self.namespace = namespace
            self.room = room
            self.members = members
        }
    }

    /// A request to leave a room.
    package struct Leave: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String

        package init(namespace: String, room: String) {
            self.namespace = namespace
            self.room = room
        }
    }

    /// The session has left a room.
    package struct Left: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String

        package init(namespace: String, room: String) {
            self.namespace = namespace
            self.room = room
        }
    }

    /// Another session joined a room this session is in.
    package struct MemberEntered: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String
        /// The session that joined.
        package var member: Member

        package init(namespace: String, room: String, member: Member) {
            self.namespace = namespace
            self.room = room
            self.member = member
        }
    }

    /// Another session left a room this session is in.
    package struct MemberExited: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String
        /// The session that left.
        package var sessionID: UInt64
        /// Why it left.
        package var reason: MemberExitReason

        package init(namespace: String, room: String, sessionID: UInt64, reason: MemberExitReason) {
            self.namespace = namespace
            self.room = room
            self.sessionID = sessionID
            self.reason = reason
        }
    }

    /// A request for a room's members.
    package struct ListMembers: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String

        package init(namespace: String, room: String) {
            self.namespace = namespace
            self.room = room
        }
    }

    /// A room's members, the answer to `listMembers`.
    package struct Members: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String
        /// The members in the order they joined.
        package var members: [Member]

        package init(namespace: String, room: String, members: [Member]) {
            self.namespace = namespace
            self.room = room
            self.members = members
        }
    }

    /// A payload for every member of a room the sender is in.
    package struct Broadcast: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String
        /// Whether the sender gets its own message too (default `false`).
        package var includesSender: Bool
        /// Reliable (sequenced, replayed on resume) or unreliable (over UDP when bound, never replayed); default
        /// reliable.
        package var channel: GameChannel
        /// The application bytes.
        package var payload: GamePayload

        package init(
            namespace: String,
            room: String,
            includesSender: Bool = false,
            channel: GameChannel = .reliable,
            payload: GamePayload
        ) {
            self.namespace = namespace
            self.room = room
            self.includesSender = includesSender
            self.channel = channel
            self.payload = payload
        }

        // JSON clients may leave out the fields that have defaults.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.namespace = try container.decode(String.self, forKey: .namespace)
            self.room = try container.decode(String.self, forKey: .room)
            self.includesSender = try container.decodeIfPresent(Bool.self, forKey: .includesSender) ?? false
            self.channel = try container.decodeIfPresent(GameChannel.self, forKey: .channel) ?? .reliable
            self.payload = try container.decode(GamePayload.self, forKey: .payload)
        }
    }

    /// A payload broadcast to a room this session is in.
    package struct RoomMessage: Hashable, Sendable, Codable {
        /// The room's namespace.
        package var namespace: String
        /// The room's name.
        package var room: String
        /// The session that broadcast it.
        package var senderID: UInt64
        /// The sender's display name in the room, or `nil`.
        package var senderName: String?
        /// The application bytes.
        package var payload: GamePayload

        package init(
            namespace: String,
            room: String,
            senderID: UInt64,
            senderName: String? = nil,
            payload: GamePayload
        ) {
            self.namespace = namespace
            self.room = room
            self.senderID = senderID
            self.senderName = senderName
            self.payload = payload
        }
    }

    /// A member of a room: its session id and display name.
    package struct Member: Hashable, Sendable, Codable {
        /// The member's session id.
        package var sessionID: UInt64
        /// The member's display name, or `nil` (empty on the wire).
        package var name: String?

        package init(sessionID: UInt64, name: String? = nil) {
            self.sessionID = sessionID
            self.name = name
        }
    }
}
