import GamenetCore
import NIOCore
import Testing

/// A thousand sessions join and leave rooms at random, and drop and resume, while one member broadcasts: every
/// member gets every broadcast sent while it was a member, in order, exactly once, and nothing else.
@Suite struct GameServerChurnTests {
    @Test(arguments: [7, 8] as [UInt64])
    func thousandSessionsChurnWhileARoomBroadcasts(seed: UInt64) {
        var configuration = GameServerConfiguration()
        configuration.outgoingQueueLimit = .max
        configuration.messagesPerSecond = 1_000_000
        configuration.deadPeerTimeout = .hours(1)
        configuration.idleTimeout = nil
        configuration.replayLimit = 100_000
        configuration.replayByteLimit = .max
        var harness = GameServerHarness(configuration: configuration, seed: seed)
        var random = SplitMix64(seed: seed)

        let broadcaster = harness.connectAndJoin("arena")
        var clients = (0..<1_000).map { _ in harness.connect() }
        var connections = clients.map { [$0.connection] }
        var inArena = [Bool](repeating: false, count: clients.count)
        var sideRooms = [Set<Int>](repeating: [], count: clients.count)
        var expected = [[Int]](repeating: [], count: clients.count)
        var lastReceived = [UInt64](repeating: 0, count: clients.count)
        var received = [[OutboundFrame]](repeating: [], count: clients.count)
        var broadcasts = 0
        var resumes = 0

        func drain(_ index: Int, _ harness: inout GameServerHarness) {
            let frames = harness.take(clients[index].connection)
            received[index] += frames
            if let last = frames.compactMap(\.sequence).last { lastReceived[index] = last }
        }

        for _ in 0..<4_000 {
            harness.advance(by: .milliseconds(1))
            let roll = Int.random(in: 0..<100, using: &random)
            let index = Int.random(in: 0..<clients.count, using: &random)
            switch roll {
            case 0..<20:
                broadcasts += 1
                harness.send(broadcaster.broadcast("\(broadcasts)", room: "arena"), from: broadcaster)
                for member in clients.indices where inArena[member] {
                    expected[member].append(broadcasts)
                }
            case 20..<70:
                if inArena[index] {
                    harness.send(.leave(.init(namespace: "/", room: "arena")), from: clients[index])
                } else {
                    harness.send(.join(.init(namespace: "/", room: "arena", name: "p\(index)")), from: clients[index])
                }
                inArena[index].toggle()
            case 70..<95:
                let side = Int.random(in: 0..<5, using: &random)
                let message: GameMessage =
                    sideRooms[index].contains(side)
                    ? .leave(.init(namespace: "/side", room: "\(side)"))
                    : .join(.init(namespace: "/side", room: "\(side)"))
                harness.send(message, from: clients[index])
                if sideRooms[index].contains(side) {
                    sideRooms[index].remove(side)
                } else {
                    sideRooms[index].insert(side)
                }
            default:
                // Drop the connection, miss whatever comes, and resume.
                drain(index, &harness)
                harness.close(clients[index].connection)
                if Bool.random(using: &random) {
                    broadcasts += 1
                    harness.send(broadcaster.broadcast("\(broadcasts)", room: "arena"), from: broadcaster)
                    for member in clients.indices where inArena[member] {
                        expected[member].append(broadcasts)
                    }
                }
                let connection = harness.open()
                harness.send(
                    .clientHello(
                        .init(
                            versions: [1],
                            resume: .init(
                                sessionID: clients[index].sessionID,
                                key: clients[index].key,
                                lastReceivedSequence: lastReceived[index]
                            )
                        )
                    ),
                    on: connection
                )
                clients[index].connection = connection
                connections[index].append(connection)
                resumes += 1
            }
        }
        for index in clients.indices { drain(index, &harness) }

        #expect(resumes > 50)
        #expect(harness.server.metrics.sessionsResumed == resumes)
        #expect(harness.closed.isEmpty)
        let arena = harness.server.room(RoomAddress(namespace: "/", room: "arena"))
        #expect(arena?.members.count == 1 + inArena.count { $0 })
        for index in clients.indices {
            let payloads = received[index].compactMap { frame -> Int? in
                guard case .roomMessage(let message) = frame.message, message.room == "arena" else { return nil }
                return Int(message.payload.text ?? "")
            }
            #expect(payloads == expected[index], "session \(index)")
            // Every sequenced message once, without a gap, across all its connections.
            let sequences = received[index].compactMap(\.sequence)
            #expect(
                sequences == Array(1...UInt64(max(sequences.count, 1))).prefix(sequences.count).map { $0 },
                "session \(index)"
            )
        }
        // Side rooms that emptied are gone; the ones with members remain.
        let occupiedSides = Set(sideRooms.flatMap { $0 })
        #expect(harness.server.roomAddresses.filter { $0.namespace == "/side" }.count == occupiedSides.count)
    }
}
