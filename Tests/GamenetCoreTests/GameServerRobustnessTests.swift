import GamenetCore
import NIOCore
import Testing

/// Garbage, floods and random traffic from a seeded generator: the server never traps, answers nothing to
/// unauthenticated datagrams, and keeps its rooms and sessions consistent.
@Suite struct GameServerRobustnessTests {
    @Test(arguments: [11, 12, 13] as [UInt64])
    func randomBytesNeverTrapTheDecoder(seed: UInt64) {
        var random = RandomGameMessages(seed: seed)
        var decoded = 0
        for _ in 0..<20_000 {
            var bytes: ByteBuffer
            if Bool.random(using: &random.generator) {
                bytes = ByteBuffer(bytes: random.generator.bytes(Int.random(in: 0...40, using: &random.generator)))
            } else {
                // A valid frame with one byte changed, cut or extended.
                bytes = (try? GameCodec.encode(.message(random.message()))) ?? ByteBuffer()
                guard bytes.readableBytes > 0 else { continue }
                let offset = Int.random(in: 0..<bytes.readableBytes, using: &random.generator)
                switch Int.random(in: 0..<3, using: &random.generator) {
                case 0: bytes.setInteger(random.integer(UInt8.self), at: bytes.readerIndex + offset)
                case 1: bytes.moveWriterIndex(to: bytes.readerIndex + offset)
                default: bytes.writeInteger(random.integer(UInt8.self))
                }
            }
            if (try? GameFrame(decoding: bytes)) != nil { decoded += 1 }
            _ = try? GameJSONCodec.decode(bytes)
        }
        #expect(decoded > 0)
    }

    @Test(arguments: [21, 22] as [UInt64])
    func randomTrafficKeepsRoomsAndSessionsConsistent(seed: UInt64) throws {
        var configuration = GameServerConfiguration()
        configuration.maximumRoomsPerSession = 3
        configuration.replayLimit = 32
        configuration.outgoingQueueLimit = 64 * 1_024
        var harness = GameServerHarness(configuration: configuration, seed: seed)
        var random = RandomGameMessages(seed: seed)
        var clients: [GameServerHarness.Client] = []
        let addresses = try (0..<4).map { try SocketAddress(ipAddress: "127.0.0.\($0 + 1)", port: 7000) }

        for step in 0..<6_000 {
            harness.advance(by: .milliseconds(Int64.random(in: 0...300, using: &random.generator)))
            let roll = Int.random(in: 0..<100, using: &random.generator)
            let client = clients.randomElement(using: &random.generator)
            switch roll {
            case 0..<5:
                clients.append(harness.connect(encoding: Bool.random(using: &random.generator) ? .binary : .json))
            case 5..<50:
                guard let client else { continue }
                let room = "r\(Int.random(in: 0..<4, using: &random.generator))"
                let target = clients.randomElement(using: &random.generator)?.sessionID ?? 0
                let message: GameMessage
                switch Int.random(in: 0..<6, using: &random.generator) {
                case 0: message = .join(.init(namespace: "/", room: room, maximumMembers: 5))
                case 1: message = .leave(.init(namespace: "/", room: room))
                case 2: message = client.broadcast("\(step)", room: room, includesSender: true)
                case 3: message = .send(.init(recipientID: target, payload: GamePayload(string: "\(step)")))
                case 4:
                    message = .request(
                        .init(requestID: random.integer(), recipientID: target, timeoutMilliseconds: 500, payload: "")
                    )
                default: message = random.message()
                }
                harness.send(message, from: client)
            case 50..<60:
                guard let client else { continue }
                // Garbage on the reliable connection.
                let bytes = ByteBuffer(bytes: random.generator.bytes(Int.random(in: 0...20, using: &random.generator)))
                harness.apply(
                    harness.server.receive(bytes, encoding: client.encoding, on: client.connection, now: harness.now)
                )
            case 60..<75:
                // Datagrams: some authentic, some with a wrong key or unknown id, some garbage.
                let address = addresses.randomElement(using: &random.generator)!
                let before = harness.datagrams.count
                switch Int.random(in: 0..<4, using: &random.generator) {
                case 0:
                    guard let client else { continue }
                    harness.sendDatagram(.datagram(client.credentials, .udpBind), from: address)
                case 1:
                    guard let client else { continue }
                    harness.sendDatagram(
                        .datagram(.init(sessionID: client.sessionID, key: random.key()), .udpBind),
                        from: address
                    )
                    #expect(harness.datagrams.count == before)
                case 2:
                    harness.sendDatagram(
                        .datagram(.init(sessionID: random.sessionID(), key: random.key()), .udpBind),
                        from: address
                    )
                    #expect(harness.datagrams.count == before)
                default:
                    let bytes = ByteBuffer(
                        bytes: random.generator.bytes(Int.random(in: 0...60, using: &random.generator))
                    )
                    harness.apply(harness.server.receiveDatagram(bytes, from: address, now: harness.now))
                    #expect(harness.datagrams.count == before)
                }
            case 75..<85:
                guard let client else { continue }
                harness.close(client.connection)
            case 85..<95:
                guard let index = clients.indices.randomElement(using: &random.generator) else { continue }
                let connection = harness.open()
                let last = harness.take(clients[index].connection).compactMap(\.sequence).last ?? 0
                harness.send(
                    .clientHello(
                        .init(
                            versions: [1],
                            resume: .init(
                                sessionID: clients[index].sessionID,
                                key: clients[index].key,
                                lastReceivedSequence: last
                            )
                        )
                    ),
                    on: connection,
                    encoding: clients[index].encoding
                )
                if case .hello(let hello) = harness.take(connection).last?.message {
                    clients[index] = .init(connection: connection, sessionID: hello.sessionID, key: hello.key)
                } else {
                    clients[index].connection = connection
                }
            default:
                // A flood from one client.
                guard let client else { continue }
                for _ in 0..<200 { harness.send(.ping(.init(timestamp: 1)), from: client) }
            }
            if step % 500 == 0 { Self.checkConsistency(harness.server) }
        }
        Self.checkConsistency(harness.server)
        let metrics = harness.server.metrics
        #expect(metrics.drops[.malformed, default: 0] > 0)
        #expect(metrics.drops[.wrongKey, default: 0] > 0)
        #expect(metrics.drops[.rateLimited, default: 0] > 0)
        #expect(metrics.sessionsEnded[.rateLimit, default: 0] > 0)
    }

    /// Every member of a room has the room among its rooms and the other way round; no room is empty; each room
    /// keeps its size limit; each connected session's connection maps back to it.
    static func checkConsistency(_ server: GameServer) {
        var membership: Set<String> = []
        for address in server.roomAddresses {
            guard let room = server.room(address) else { continue }
            #expect(!room.isEmpty)
            #expect(room.members.count <= room.maximumMembers)
            for member in room.members {
                membership.insert("\(member.sessionID) \(address)")
                #expect(server.session(member.sessionID)?.rooms.contains(address) == true)
            }
        }
        for id in server.sessionIDs {
            guard let session = server.session(id) else { continue }
            for address in session.rooms {
                #expect(membership.contains("\(id) \(address)"))
            }
            if let connection = session.connection {
                #expect(server.sessionID(of: connection) == id)
            }
        }
        #expect(server.metrics.rooms == server.roomAddresses.count)
    }
}
