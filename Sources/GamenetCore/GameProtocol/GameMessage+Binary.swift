import NIOCore

// The binary form of each message's fields, in the order the protocol article lists them.

extension GameMessage.ClientHello {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(GameCodec.magic)
        try buffer.writeGameVersions(self.versions, field: "clientHello.versions")
        if let resume = self.resume {
            buffer.writeInteger(UInt8(1))
            try resume.write(into: &buffer)
        } else {
            buffer.writeInteger(UInt8(0))
        }
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        let magic = try reader.readInteger(field: "clientHello.magic", as: UInt32.self)
        guard magic == GameCodec.magic else {
            throw .invalidValue(field: "clientHello.magic", value: UInt64(magic))
        }
        self.versions = try reader.readVersions(field: "clientHello.versions")
        switch try reader.readInteger(field: "clientHello.resume", as: UInt8.self) {
        case 0: self.resume = nil
        case 1: self.resume = try GameMessage.ResumeRequest(reading: &reader)
        case let flag: throw .invalidValue(field: "clientHello.resume", value: UInt64(flag))
        }
    }
}

extension GameMessage.Hello {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.version)
        buffer.writeInteger(self.sessionID)
        buffer.writeSessionKey(self.key)
        buffer.writeInteger(self.heartbeatIntervalMilliseconds)
        buffer.writeInteger(self.udpPort)
        buffer.writeInteger(self.udpKeepaliveIntervalMilliseconds)
        buffer.writeInteger(self.maximumMessageSize)
        buffer.writeInteger(self.maximumRooms)
        buffer.writeInteger(self.messagesPerSecond)
        buffer.writeInteger(self.resumeWindowMilliseconds)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.version = try reader.readInteger(field: "hello.version", as: UInt16.self)
        self.sessionID = try reader.readInteger(field: "hello.sessionID", as: UInt64.self)
        self.key = try reader.readSessionKey(field: "hello.key")
        self.heartbeatIntervalMilliseconds = try reader.readInteger(
            field: "hello.heartbeatIntervalMilliseconds",
            as: UInt32.self
        )
        self.udpPort = try reader.readInteger(field: "hello.udpPort", as: UInt16.self)
        self.udpKeepaliveIntervalMilliseconds = try reader.readInteger(
            field: "hello.udpKeepaliveIntervalMilliseconds",
            as: UInt32.self
        )
        self.maximumMessageSize = try reader.readInteger(field: "hello.maximumMessageSize", as: UInt32.self)
        self.maximumRooms = try reader.readInteger(field: "hello.maximumRooms", as: UInt16.self)
        self.messagesPerSecond = try reader.readInteger(field: "hello.messagesPerSecond", as: UInt32.self)
        self.resumeWindowMilliseconds = try reader.readInteger(field: "hello.resumeWindowMilliseconds", as: UInt32.self)
    }
}

extension GameMessage.ResumeRequest {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.sessionID)
        buffer.writeSessionKey(self.key)
        buffer.writeInteger(self.lastReceivedSequence)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.sessionID = try reader.readInteger(field: "resumeRequest.sessionID", as: UInt64.self)
        self.key = try reader.readSessionKey(field: "resumeRequest.key")
        self.lastReceivedSequence = try reader.readInteger(field: "resumeRequest.lastReceivedSequence", as: UInt64.self)
    }
}

extension GameMessage.ResumeAccepted {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.sessionID)
        buffer.writeInteger(self.lastSequence)
        try buffer.writeGameCount(self.rooms.count, field: "resumeAccepted.rooms")
        for element in self.rooms {
            try element.write(into: &buffer)
        }
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.sessionID = try reader.readInteger(field: "resumeAccepted.sessionID", as: UInt64.self)
        self.lastSequence = try reader.readInteger(field: "resumeAccepted.lastSequence", as: UInt64.self)
        let roomsCount = try reader.readInteger(field: "resumeAccepted.rooms", as: UInt16.self)
        var rooms: [GameMessage.RoomName] = []
        rooms.reserveCapacity(min(Int(roomsCount), reader.remaining))
        for _ in 0..<roomsCount {
            rooms.append(try GameMessage.RoomName(reading: &reader))
        }
        self.rooms = rooms
    }
}

extension GameMessage.ResumeRejected {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.reason.rawValue)
        try buffer.writeGameString(self.message, field: "resumeRejected.message", limit: GameCodec.textLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.reason = ResumeRejectionReason(
            rawValue: try reader.readInteger(field: "resumeRejected.reason", as: UInt8.self)
        )
        self.message = try reader.readString(field: "resumeRejected.message", limit: GameCodec.textLimit)
    }
}

extension GameMessage.Goodbye {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.reason.rawValue)
        try buffer.writeGameString(self.message, field: "goodbye.message", limit: GameCodec.textLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.reason = GoodbyeReason(rawValue: try reader.readInteger(field: "goodbye.reason", as: UInt8.self))
        self.message = try reader.readString(field: "goodbye.message", limit: GameCodec.textLimit)
    }
}

extension GameMessage.UDPBound {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.sessionID)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.sessionID = try reader.readInteger(field: "udpBound.sessionID", as: UInt64.self)
    }
}

extension GameMessage.Join {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "join.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "join.room", limit: GameCodec.identifierLimit)
        buffer.writeInteger(self.maximumMembers ?? 0)
        try buffer.writeGameString(self.name ?? "", field: "join.name", limit: GameCodec.identifierLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "join.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "join.room", limit: GameCodec.identifierLimit)
        let maximumMembers = try reader.readInteger(field: "join.maximumMembers", as: UInt16.self)
        self.maximumMembers = maximumMembers == 0 ? nil : maximumMembers
        let name = try reader.readString(field: "join.name", limit: GameCodec.identifierLimit)
        self.name = name.isEmpty ? nil : name
    }
}

extension GameMessage.Joined {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "joined.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "joined.room", limit: GameCodec.identifierLimit)
        try buffer.writeGameCount(self.members.count, field: "joined.members")
        for element in self.members {
            try element.write(into: &buffer)
        }
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "joined.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "joined.room", limit: GameCodec.identifierLimit)
        let membersCount = try reader.readInteger(field: "joined.members", as: UInt16.self)
        var members: [GameMessage.Member] = []
        members.reserveCapacity(min(Int(membersCount), reader.remaining))
        for _ in 0..<membersCount {
            members.append(try GameMessage.Member(reading: &reader))
        }
        self.members = members
    }
}

extension GameMessage.Leave {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "leave.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "leave.room", limit: GameCodec.identifierLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "leave.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "leave.room", limit: GameCodec.identifierLimit)
    }
}

extension GameMessage.Left {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "left.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "left.room", limit: GameCodec.identifierLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "left.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "left.room", limit: GameCodec.identifierLimit)
    }
}

extension GameMessage.MemberEntered {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "memberEntered.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "memberEntered.room", limit: GameCodec.identifierLimit)
        try self.member.write(into: &buffer)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "memberEntered.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "memberEntered.room", limit: GameCodec.identifierLimit)
        self.member = try GameMessage.Member(reading: &reader)
    }
}

extension GameMessage.MemberExited {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "memberExited.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "memberExited.room", limit: GameCodec.identifierLimit)
        buffer.writeInteger(self.sessionID)
        buffer.writeInteger(self.reason.rawValue)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "memberExited.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "memberExited.room", limit: GameCodec.identifierLimit)
        self.sessionID = try reader.readInteger(field: "memberExited.sessionID", as: UInt64.self)
        self.reason = MemberExitReason(rawValue: try reader.readInteger(field: "memberExited.reason", as: UInt8.self))
    }
}

extension GameMessage.ListMembers {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "listMembers.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "listMembers.room", limit: GameCodec.identifierLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "listMembers.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "listMembers.room", limit: GameCodec.identifierLimit)
    }
}

extension GameMessage.Members {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "members.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "members.room", limit: GameCodec.identifierLimit)
        try buffer.writeGameCount(self.members.count, field: "members.members")
        for element in self.members {
            try element.write(into: &buffer)
        }
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "members.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "members.room", limit: GameCodec.identifierLimit)
        let membersCount = try reader.readInteger(field: "members.members", as: UInt16.self)
        var members: [GameMessage.Member] = []
        members.reserveCapacity(min(Int(membersCount), reader.remaining))
        for _ in 0..<membersCount {
            members.append(try GameMessage.Member(reading: &reader))
        }
        self.members = members
    }
}

extension GameMessage.Broadcast {
    /// The flags byte: bit 0 includes the sender (broadcast only), bit 1 asks for the unreliable channel.
    var flags: UInt8 {
        var flags: UInt8 = self.channel == .unreliable ? 0b10 : 0
        if self.includesSender { flags |= 0b01 }
        return flags
    }

    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "broadcast.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "broadcast.room", limit: GameCodec.identifierLimit)
        buffer.writeInteger(self.flags)
        try buffer.writeGamePayload(self.payload, field: "broadcast.payload")
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "broadcast.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "broadcast.room", limit: GameCodec.identifierLimit)
        let flags = try reader.readInteger(field: "broadcast.flags", as: UInt8.self)
        guard flags & ~0b11 == 0 else {
            throw .invalidValue(field: "broadcast.flags", value: UInt64(flags))
        }
        self.includesSender = flags & 0b01 != 0
        self.channel = flags & 0b10 != 0 ? .unreliable : .reliable
        self.payload = try reader.readPayload(field: "broadcast.payload")
    }
}

extension GameMessage.RoomMessage {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "roomMessage.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "roomMessage.room", limit: GameCodec.identifierLimit)
        buffer.writeInteger(self.senderID)
        try buffer.writeGameString(
            self.senderName ?? "",
            field: "roomMessage.senderName",
            limit: GameCodec.identifierLimit
        )
        try buffer.writeGamePayload(self.payload, field: "roomMessage.payload")
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "roomMessage.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "roomMessage.room", limit: GameCodec.identifierLimit)
        self.senderID = try reader.readInteger(field: "roomMessage.senderID", as: UInt64.self)
        let senderName = try reader.readString(field: "roomMessage.senderName", limit: GameCodec.identifierLimit)
        self.senderName = senderName.isEmpty ? nil : senderName
        self.payload = try reader.readPayload(field: "roomMessage.payload")
    }
}

extension GameMessage.Send {
    /// The flags byte: bit 0 includes the sender (broadcast only), bit 1 asks for the unreliable channel.
    var flags: UInt8 {
        self.channel == .unreliable ? 0b10 : 0
    }

    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.recipientID)
        buffer.writeInteger(self.flags)
        try buffer.writeGamePayload(self.payload, field: "send.payload")
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.recipientID = try reader.readInteger(field: "send.recipientID", as: UInt64.self)
        let flags = try reader.readInteger(field: "send.flags", as: UInt8.self)
        guard flags & ~0b10 == 0 else {
            throw .invalidValue(field: "send.flags", value: UInt64(flags))
        }
        self.channel = flags & 0b10 != 0 ? .unreliable : .reliable
        self.payload = try reader.readPayload(field: "send.payload")
    }
}

extension GameMessage.DirectMessage {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.senderID)
        try buffer.writeGamePayload(self.payload, field: "directMessage.payload")
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.senderID = try reader.readInteger(field: "directMessage.senderID", as: UInt64.self)
        self.payload = try reader.readPayload(field: "directMessage.payload")
    }
}

extension GameMessage.Request {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.requestID)
        buffer.writeInteger(self.recipientID)
        buffer.writeInteger(self.timeoutMilliseconds)
        try buffer.writeGamePayload(self.payload, field: "request.payload")
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.requestID = try reader.readInteger(field: "request.requestID", as: UInt32.self)
        self.recipientID = try reader.readInteger(field: "request.recipientID", as: UInt64.self)
        self.timeoutMilliseconds = try reader.readInteger(field: "request.timeoutMilliseconds", as: UInt32.self)
        self.payload = try reader.readPayload(field: "request.payload")
    }
}

extension GameMessage.IncomingRequest {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.requestID)
        buffer.writeInteger(self.senderID)
        buffer.writeInteger(self.timeoutMilliseconds)
        try buffer.writeGamePayload(self.payload, field: "incomingRequest.payload")
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.requestID = try reader.readInteger(field: "incomingRequest.requestID", as: UInt32.self)
        self.senderID = try reader.readInteger(field: "incomingRequest.senderID", as: UInt64.self)
        self.timeoutMilliseconds = try reader.readInteger(field: "incomingRequest.timeoutMilliseconds", as: UInt32.self)
        self.payload = try reader.readPayload(field: "incomingRequest.payload")
    }
}

extension GameMessage.Ack {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.requestID)
        buffer.writeInteger(self.recipientID)
        try buffer.writeGamePayload(self.payload, field: "ack.payload")
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.requestID = try reader.readInteger(field: "ack.requestID", as: UInt32.self)
        self.recipientID = try reader.readInteger(field: "ack.recipientID", as: UInt64.self)
        self.payload = try reader.readPayload(field: "ack.payload")
    }
}

extension GameMessage.AckReceived {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.requestID)
        buffer.writeInteger(self.senderID)
        try buffer.writeGamePayload(self.payload, field: "ackReceived.payload")
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.requestID = try reader.readInteger(field: "ackReceived.requestID", as: UInt32.self)
        self.senderID = try reader.readInteger(field: "ackReceived.senderID", as: UInt64.self)
        self.payload = try reader.readPayload(field: "ackReceived.payload")
    }
}

extension GameMessage.RequestFailed {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.requestID)
        buffer.writeInteger(self.reason.rawValue)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.requestID = try reader.readInteger(field: "requestFailed.requestID", as: UInt32.self)
        self.reason = RequestFailureReason(
            rawValue: try reader.readInteger(field: "requestFailed.reason", as: UInt8.self)
        )
    }
}

extension GameMessage.Ping {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.timestamp)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.timestamp = try reader.readInteger(field: "ping.timestamp", as: UInt64.self)
    }
}

extension GameMessage.Pong {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.timestamp)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.timestamp = try reader.readInteger(field: "pong.timestamp", as: UInt64.self)
    }
}

extension GameMessage.ErrorMessage {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.code.rawValue)
        try buffer.writeGameString(self.message, field: "error.message", limit: GameCodec.textLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.code = GameErrorCode(rawValue: try reader.readInteger(field: "error.code", as: UInt16.self))
        self.message = try reader.readString(field: "error.message", limit: GameCodec.textLimit)
    }
}

extension GameMessage.Warning {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.code.rawValue)
        try buffer.writeGameString(self.message, field: "warning.message", limit: GameCodec.textLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.code = WarningCode(rawValue: try reader.readInteger(field: "warning.code", as: UInt16.self))
        self.message = try reader.readString(field: "warning.message", limit: GameCodec.textLimit)
    }
}

extension GameMessage.Member {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.sessionID)
        try buffer.writeGameString(self.name ?? "", field: "member.name", limit: GameCodec.identifierLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.sessionID = try reader.readInteger(field: "member.sessionID", as: UInt64.self)
        let name = try reader.readString(field: "member.name", limit: GameCodec.identifierLimit)
        self.name = name.isEmpty ? nil : name
    }
}

extension GameMessage.RoomName {
    func write(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        try buffer.writeGameString(self.namespace, field: "roomName.namespace", limit: GameCodec.identifierLimit)
        try buffer.writeGameString(self.room, field: "roomName.room", limit: GameCodec.identifierLimit)
    }

    init(reading reader: inout GameBinaryReader) throws(GameProtocolError) {
        self.namespace = try reader.readString(field: "roomName.namespace", limit: GameCodec.identifierLimit)
        self.room = try reader.readString(field: "roomName.room", limit: GameCodec.identifierLimit)
    }
}

extension GameMessage {
    /// Writes the type byte and the fields.
    func writeBinary(into buffer: inout ByteBuffer) throws(GameProtocolError) {
        buffer.writeInteger(self.type.rawValue)
        switch self {
        case .clientHello(let message): try message.write(into: &buffer)
        case .hello(let message): try message.write(into: &buffer)
        case .resumeAccepted(let message): try message.write(into: &buffer)
        case .resumeRejected(let message): try message.write(into: &buffer)
        case .goodbye(let message): try message.write(into: &buffer)
        case .udpBound(let message): try message.write(into: &buffer)
        case .join(let message): try message.write(into: &buffer)
        case .joined(let message): try message.write(into: &buffer)
        case .leave(let message): try message.write(into: &buffer)
        case .left(let message): try message.write(into: &buffer)
        case .memberEntered(let message): try message.write(into: &buffer)
        case .memberExited(let message): try message.write(into: &buffer)
        case .listMembers(let message): try message.write(into: &buffer)
        case .members(let message): try message.write(into: &buffer)
        case .broadcast(let message): try message.write(into: &buffer)
        case .roomMessage(let message): try message.write(into: &buffer)
        case .send(let message): try message.write(into: &buffer)
        case .directMessage(let message): try message.write(into: &buffer)
        case .request(let message): try message.write(into: &buffer)
        case .incomingRequest(let message): try message.write(into: &buffer)
        case .ack(let message): try message.write(into: &buffer)
        case .ackReceived(let message): try message.write(into: &buffer)
        case .requestFailed(let message): try message.write(into: &buffer)
        case .ping(let message): try message.write(into: &buffer)
        case .pong(let message): try message.write(into: &buffer)
        case .error(let message): try message.write(into: &buffer)
        case .warning(let message): try message.write(into: &buffer)
        case .udpBind, .udpKeepalive: break
        }
    }

    /// Reads the fields of a message whose type byte has been read.
    init(reading reader: inout GameBinaryReader, type: MessageType) throws(GameProtocolError) {
        switch type {
        case .clientHello: self = .clientHello(try ClientHello(reading: &reader))
        case .hello: self = .hello(try Hello(reading: &reader))
        case .resumeAccepted: self = .resumeAccepted(try ResumeAccepted(reading: &reader))
        case .resumeRejected: self = .resumeRejected(try ResumeRejected(reading: &reader))
        case .goodbye: self = .goodbye(try Goodbye(reading: &reader))
        case .udpBound: self = .udpBound(try UDPBound(reading: &reader))
        case .join: self = .join(try Join(reading: &reader))
        case .joined: self = .joined(try Joined(reading: &reader))
        case .leave: self = .leave(try Leave(reading: &reader))
        case .left: self = .left(try Left(reading: &reader))
        case .memberEntered: self = .memberEntered(try MemberEntered(reading: &reader))
        case .memberExited: self = .memberExited(try MemberExited(reading: &reader))
        case .listMembers: self = .listMembers(try ListMembers(reading: &reader))
        case .members: self = .members(try Members(reading: &reader))
        case .broadcast: self = .broadcast(try Broadcast(reading: &reader))
        case .roomMessage: self = .roomMessage(try RoomMessage(reading: &reader))
        case .send: self = .send(try Send(reading: &reader))
        case .directMessage: self = .directMessage(try DirectMessage(reading: &reader))
        case .request: self = .request(try Request(reading: &reader))
        case .incomingRequest: self = .incomingRequest(try IncomingRequest(reading: &reader))
        case .ack: self = .ack(try Ack(reading: &reader))
        case .ackReceived: self = .ackReceived(try AckReceived(reading: &reader))
        case .requestFailed: self = .requestFailed(try RequestFailed(reading: &reader))
        case .ping: self = .ping(try Ping(reading: &reader))
        case .pong: self = .pong(try Pong(reading: &reader))
        case .error: self = .error(try ErrorMessage(reading: &reader))
        case .warning: self = .warning(try Warning(reading: &reader))
        case .udpBind: self = .udpBind
        case .udpKeepalive: self = .udpKeepalive
        }
    }
}
