import GamenetCore
import NIOCore
import Testing

/// Rooms, broadcasts, direct messages and requests, in virtual time.
@Suite struct GameServerRoomTests {
    @Test func helloCarriesTheSessionAndItsLimits() {
        var configuration = GameServerConfiguration()
        configuration.udpPort = 4000
        var harness = GameServerHarness(configuration: configuration)
        let connection = harness.open()
        harness.send(.clientHello(.init(versions: [9, 1])), on: connection)
        let frames = harness.take(connection)
        #expect(frames.count == 1)
        #expect(frames.first?.sequence == nil)
        guard case .hello(let hello) = frames.first?.message else {
            Issue.record("expected a hello")
            return
        }
        #expect(hello.version == 1)
        #expect(hello.sessionID == 1)
        #expect(hello.udpPort == 4000)
        #expect(hello.heartbeatIntervalMilliseconds == 15_000)
        #expect(hello.resumeWindowMilliseconds == 120_000)
        #expect(hello.udpKeepaliveIntervalMilliseconds == 25_000)
        #expect(hello.maximumMessageSize == 65_536)
        // Keys are 128 bits from the generator, different for each session.
        let other = harness.connect()
        #expect(other.key != hello.key)
        #expect(other.sessionID == 2)
    }

    @Test func roomIsCreatedOnFirstJoinAndRemovedWhenEmpty() {
        var harness = GameServerHarness()
        let alice = harness.connect()
        harness.send(.join(.init(namespace: "/", room: "lobby", name: "alice")), from: alice)
        #expect(
            harness.messages(alice)
                == [
                    .joined(
                        .init(
                            namespace: "/",
                            room: "lobby",
                            members: [.init(sessionID: alice.sessionID, name: "alice")]
                        )
                    )
                ]
        )
        #expect(harness.server.metrics.rooms == 1)
        let bob = harness.connect()
        harness.send(.join(.init(namespace: "/", room: "lobby", name: "bob")), from: bob)
        #expect(
            harness.messages(bob) == [
                .joined(
                    .init(
                        namespace: "/",
                        room: "lobby",
                        members: [
                            .init(sessionID: alice.sessionID, name: "alice"),
                            .init(sessionID: bob.sessionID, name: "bob"),
                        ]
                    )
                )
            ]
        )
        #expect(
            harness.messages(alice) == [
                .memberEntered(
                    .init(namespace: "/", room: "lobby", member: .init(sessionID: bob.sessionID, name: "bob"))
                )
            ]
        )
        harness.send(.listMembers(.init(namespace: "/", room: "lobby")), from: alice)
        guard case .members(let members) = harness.messages(alice).first else {
            Issue.record("expected members")
            return
        }
        #expect(members.members.map(\.sessionID) == [alice.sessionID, bob.sessionID])

        harness.send(.leave(.init(namespace: "/", room: "lobby")), from: alice)
        #expect(harness.messages(alice) == [.left(.init(namespace: "/", room: "lobby"))])
        #expect(
            harness.messages(bob) == [
                .memberExited(.init(namespace: "/", room: "lobby", sessionID: alice.sessionID, reason: .left))
            ]
        )
        harness.send(.leave(.init(namespace: "/", room: "lobby")), from: bob)
        #expect(harness.server.metrics.rooms == 0)
        #expect(harness.server.room(RoomAddress(namespace: "/", room: "lobby")) == nil)
        #expect(harness.server.metrics.roomsCreated == 1)
        // Namespaces keep rooms of the same name apart.
        harness.send(.join(.init(namespace: "/a", room: "lobby")), from: alice)
        harness.send(.join(.init(namespace: "/b", room: "lobby")), from: bob)
        #expect(harness.server.metrics.rooms == 2)
    }

    @Test func maximumSizesAndRoomCounts() {
        var configuration = GameServerConfiguration()
        configuration.maximumRoomsPerSession = 2
        var harness = GameServerHarness(configuration: configuration)
        let first = harness.connectAndJoin("duel", maximumMembers: 2)
        let second = harness.connectAndJoin("duel", maximumMembers: 9)
        let third = harness.connect()
        harness.send(.join(.init(namespace: "/", room: "duel")), from: third)
        guard case .error(let error) = harness.messages(third).first else {
            Issue.record("a third member got in")
            return
        }
        #expect(error.code == .roomFull)
        #expect(harness.server.room(RoomAddress(namespace: "/", room: "duel"))?.members.count == 2)
        _ = second

        harness.send(.join(.init(namespace: "/", room: "duel")), from: first)
        #expect(harness.errorCodes(first) == [.alreadyInRoom])
        harness.send(.join(.init(namespace: "/", room: "two")), from: first)
        harness.send(.join(.init(namespace: "/", room: "three")), from: first)
        let answers = harness.messages(first)
        #expect(answers.count == 2)
        guard case .error(let tooMany) = answers.last else {
            Issue.record("a third room was joined")
            return
        }
        #expect(tooMany.code == .tooManyRooms)
        harness.send(.join(.init(namespace: "", room: "x")), from: third)
        #expect(harness.errorCodes(third) == [.invalidName])
    }

    @Test func broadcastExcludesTheSenderUnlessAsked() {
        var harness = GameServerHarness()
        let alice = harness.connectAndJoin("lobby", name: "alice")
        let bob = harness.connectAndJoin("lobby", name: "bob")
        let carol = harness.connectAndJoin("lobby")
        _ = harness.take(alice.connection)
        _ = harness.take(bob.connection)
        harness.send(alice.broadcast("hello"), from: alice)
        #expect(harness.roomPayloads(alice) == [])
        #expect(harness.roomPayloads(bob) == ["hello"])
        #expect(harness.roomPayloads(carol) == ["hello"])
        harness.send(alice.broadcast("echo", includesSender: true), from: alice)
        let toAlice = harness.take(alice.connection)
        #expect(toAlice.count == 1)
        guard case .roomMessage(let message) = toAlice.first?.message else {
            Issue.record("no echo")
            return
        }
        #expect(message.senderID == alice.sessionID)
        #expect(message.senderName == "alice")
        #expect(message.payload == "echo")
        // A room the sender is not in is refused.
        harness.send(alice.broadcast("x", room: "elsewhere"), from: alice)
        #expect(harness.errorCodes(alice) == [.notInRoom])
    }

    @Test func fanOutEncodesOnceAndSharesTheBytes() {
        var harness = GameServerHarness()
        let sender = harness.connectAndJoin("lobby")
        let members = (0..<5).map { _ in harness.connectAndJoin("lobby") }
        for member in members { _ = harness.take(member.connection) }
        harness.send(sender.broadcast("same bytes"), from: sender)
        let frames = members.flatMap { harness.take($0.connection) }
        #expect(frames.count == 5)
        let addresses = Set(frames.map { storageAddress($0.body) })
        #expect(addresses.count == 1)
        #expect(addresses.first! != nil)
        // Each member's frame has its own sequence number around the same body.
        let sequences = frames.map(\.sequence)
        #expect(sequences.allSatisfy { $0 != nil })
        // A sequenced frame decodes to the message with the member's number.
        let first = frames[0]
        #expect((try? GameFrame(decoding: first.serialized())) == .sequenced(first.sequence!, first.message))
        var stream = first.serialized(forStream: true)
        let block = try? GameCodec.nextStreamMessage(from: &stream, maximumMessageSize: 1_000)
        #expect(block.flatMap { try? GameFrame(decoding: $0) } == .sequenced(first.sequence!, first.message))
    }

    @Test func jsonAndBinaryMembersShareOneEncodingEach() throws {
        var harness = GameServerHarness()
        let sender = harness.connectAndJoin("lobby")
        let browser = harness.connect(encoding: .json)
        harness.send(.join(.init(namespace: "/", room: "lobby")), from: browser)
        let secondBrowser = harness.connect(encoding: .json)
        harness.send(.join(.init(namespace: "/", room: "lobby")), from: secondBrowser)
        _ = harness.take(browser.connection)
        _ = harness.take(secondBrowser.connection)
        harness.send(sender.broadcast("hi"), from: sender)
        let frames = harness.take(browser.connection) + harness.take(secondBrowser.connection)
        #expect(Set(frames.map { storageAddress($0.body) }).count == 1)
        let text = frames[0].serialized()
        let decoded = try GameJSONCodec.decode(text)
        #expect(decoded.sequence == frames[0].sequence)
        #expect(decoded.message == frames[0].message)
        #expect(String(buffer: text).hasPrefix("{\"seq\":"))
    }

    @Test func directMessages() {
        var harness = GameServerHarness()
        let alice = harness.connect()
        let bob = harness.connect()
        harness.send(.send(.init(recipientID: bob.sessionID, payload: "psst")), from: alice)
        #expect(harness.messages(bob) == [.directMessage(.init(senderID: alice.sessionID, payload: "psst"))])
        #expect(harness.messages(alice) == [])
        harness.send(.send(.init(recipientID: 999, payload: "?")), from: alice)
        #expect(harness.errorCodes(alice) == [.noSuchSession])
    }

    @Test func requestIsAcknowledged() {
        var harness = GameServerHarness()
        let alice = harness.connect()
        let bob = harness.connect()
        harness.send(
            .request(.init(requestID: 7, recipientID: bob.sessionID, timeoutMilliseconds: 5_000, payload: "ready?")),
            from: alice
        )
        #expect(
            harness.messages(bob) == [
                .incomingRequest(
                    .init(requestID: 7, senderID: alice.sessionID, timeoutMilliseconds: 5_000, payload: "ready?")
                )
            ]
        )
        harness.advance(by: .seconds(2))
        harness.send(.ack(.init(requestID: 7, recipientID: alice.sessionID, payload: "yes")), from: bob)
        #expect(
            harness.messages(alice).filter { if case .ping = $0 { false } else { true } } == [
                .ackReceived(.init(requestID: 7, senderID: bob.sessionID, payload: "yes"))
            ]
        )
        // The timeout that was armed does nothing now.
        harness.advance(by: .seconds(10))
        #expect(harness.messages(alice).filter { if case .requestFailed = $0 { true } else { false } } == [])
    }

    @Test func requestTimesOutAndALateAckIsDropped() {
        var harness = GameServerHarness()
        let alice = harness.connect()
        let bob = harness.connect()
        harness.send(
            .request(.init(requestID: 1, recipientID: bob.sessionID, timeoutMilliseconds: 500, payload: "?")),
            from: alice
        )
        harness.advance(by: .milliseconds(499))
        #expect(harness.messages(alice) == [])
        harness.advance(by: .milliseconds(1))
        #expect(harness.messages(alice) == [.requestFailed(.init(requestID: 1, reason: .timeout))])
        harness.send(.ack(.init(requestID: 1, recipientID: alice.sessionID, payload: "late")), from: bob)
        #expect(harness.messages(alice) == [])
        #expect(harness.server.metrics.drops[.lateAck] == 1)
        #expect(harness.server.metrics.requestTimeouts == 1)
        // An id can be used again once settled; a duplicate pending id is refused.
        harness.send(
            .request(.init(requestID: 1, recipientID: bob.sessionID, timeoutMilliseconds: 500, payload: "")),
            from: alice
        )
        harness.send(
            .request(.init(requestID: 1, recipientID: bob.sessionID, timeoutMilliseconds: 500, payload: "")),
            from: alice
        )
        #expect(harness.errorCodes(alice) == [.unexpectedMessage])
        // A request to no one fails at once.
        harness.send(
            .request(.init(requestID: 2, recipientID: 999, timeoutMilliseconds: 500, payload: "")),
            from: alice
        )
        #expect(harness.messages(alice) == [.requestFailed(.init(requestID: 2, reason: .noSuchSession))])
    }

    @Test func requestFailsWhenTheRecipientsSessionEnds() {
        var harness = GameServerHarness()
        let alice = harness.connect()
        let bob = harness.connect()
        harness.send(
            .request(.init(requestID: 4, recipientID: bob.sessionID, timeoutMilliseconds: 60_000, payload: "?")),
            from: alice
        )
        harness.send(.goodbye(.init(reason: .normal, message: "bye")), from: bob)
        #expect(harness.closed[bob.connection] == .normal)
        #expect(harness.messages(alice) == [.requestFailed(.init(requestID: 4, reason: .recipientGone))])
    }

    @Test func messagesFromTheServersSideAreRefused() {
        var harness = GameServerHarness()
        let alice = harness.connect()
        harness.send(.joined(.init(namespace: "/", room: "x", members: [])), from: alice)
        harness.send(.clientHello(.init(versions: [1])), from: alice)
        harness.send(.udpBind, from: alice)
        let codes = harness.errorCodes(alice)
        #expect(codes == [.unexpectedMessage, .unexpectedMessage, .unexpectedMessage])
        // Malformed bytes get an error and the session goes on.
        harness.apply(
            harness.server.receive(ByteBuffer(bytes: [0x99]), encoding: .binary, on: alice.connection, now: harness.now)
        )
        #expect(harness.errorCodes(alice) == [.malformedMessage])
        #expect(harness.closed[alice.connection] == nil)
    }
}
