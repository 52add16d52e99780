import GamenetCore
import NIOCore
import Testing

/// The session life cycle in virtual time: resume and replay, limits, liveness, UDP binding, shutdown.
@Suite struct GameServerSessionTests {
    // MARK: - Resume

    /// Alice drops; Bob broadcasts while she is away; she resumes with the last sequence number she got.
    @Test func resumeInsideTheWindowReplaysEveryMissedMessageOnce() {
        var harness = GameServerHarness()
        let alice = harness.connectAndJoin("lobby", name: "alice")
        let bob = harness.connectAndJoin("lobby", name: "bob")
        harness.send(bob.broadcast("before"), from: bob)
        var received = harness.take(alice.connection).filter { $0.sequence != nil }
        #expect(received.compactMap(\.message.roomPayloadText) == ["before"])
        let lastReceived = received.last!.sequence!

        harness.close(alice.connection)
        #expect(harness.server.session(alice.sessionID)?.isConnected == false)
        for index in 1...5 {
            harness.advance(by: .seconds(10))
            harness.send(bob.broadcast("missed \(index)"), from: bob)
        }
        // Still a member while away: nobody saw her leave.
        #expect(harness.server.room(RoomAddress(namespace: "/", room: "lobby"))?.members.count == 2)

        let connection = harness.open()
        harness.send(
            .clientHello(
                .init(
                    versions: [1],
                    resume: .init(sessionID: alice.sessionID, key: alice.key, lastReceivedSequence: lastReceived)
                )
            ),
            on: connection
        )
        let resumed = harness.take(connection)
        #expect(
            resumed.first?.message
                == .resumeAccepted(
                    .init(
                        sessionID: alice.sessionID,
                        lastSequence: lastReceived + 5,
                        rooms: [.init(namespace: "/", room: "lobby")]
                    )
                )
        )
        let replayed = Array(resumed.dropFirst())
        #expect(replayed.compactMap(\.message.roomPayloadText) == (1...5).map { "missed \($0)" })
        #expect(replayed.map(\.sequence) == (1...5).map { lastReceived + UInt64($0) })
        received += replayed

        // Live traffic goes on with the next number, on the new connection only.
        harness.send(bob.broadcast("after"), from: bob)
        let live = harness.take(connection)
        #expect(live.map(\.sequence) == [lastReceived + 6])
        #expect(harness.take(alice.connection).isEmpty)
        received += live
        let sequences = received.compactMap(\.sequence)
        #expect(sequences == Array(sequences.first!...sequences.last!))
        #expect(harness.server.metrics.sessionsResumed == 1)
    }

    @Test func resumeAfterTheWindowIsRejectedAndTheMemberLeaves() {
        // Bob does not answer pings in this test; keep him connected for the whole window.
        var configuration = GameServerConfiguration()
        configuration.deadPeerTimeout = .minutes(5)
        var harness = GameServerHarness(configuration: configuration)
        let alice = harness.connectAndJoin("lobby")
        let bob = harness.connectAndJoin("lobby")
        _ = harness.take(alice.connection)
        harness.close(alice.connection)
        harness.advance(by: .seconds(119))
        #expect(harness.server.session(alice.sessionID) != nil)
        #expect(harness.messages(bob).filter { if case .memberExited = $0 { true } else { false } } == [])
        harness.advance(by: .seconds(1))
        #expect(harness.server.session(alice.sessionID) == nil)
        #expect(
            harness.messages(bob).filter { if case .ping = $0 { false } else { true } } == [
                .memberExited(.init(namespace: "/", room: "lobby", sessionID: alice.sessionID, reason: .sessionEnded))
            ]
        )
        let connection = harness.open()
        harness.send(
            .clientHello(
                .init(versions: [1], resume: .init(sessionID: alice.sessionID, key: alice.key, lastReceivedSequence: 1))
            ),
            on: connection
        )
        let answer = harness.take(connection).map(\.message)
        #expect(answer.count == 2)
        guard case .resumeRejected(let rejected) = answer.first, case .hello(let hello) = answer.last else {
            Issue.record("expected a rejection and a new hello, got \(answer)")
            return
        }
        #expect(rejected.reason == .unknownSession)
        #expect(hello.sessionID != alice.sessionID)
        #expect(harness.server.metrics.sessionsExpired == 1)
        #expect(harness.server.metrics.resumesRejected[.unknownSession] == 1)
    }

    @Test func resumeWithAWrongKeyLeavesTheSessionAlone() {
        var harness = GameServerHarness()
        let alice = harness.connectAndJoin("lobby")
        let connection = harness.open()
        let wrong = SessionKey(high: alice.key.high, low: alice.key.low ^ 1)
        harness.send(
            .clientHello(
                .init(versions: [1], resume: .init(sessionID: alice.sessionID, key: wrong, lastReceivedSequence: 0))
            ),
            on: connection
        )
        guard case .resumeRejected(let rejected) = harness.take(connection).first?.message else {
            Issue.record("a wrong key resumed")
            return
        }
        #expect(rejected.reason == .wrongKey)
        #expect(harness.server.session(alice.sessionID)?.connection == alice.connection)
        #expect(harness.closed[alice.connection] == nil)
        #expect(harness.server.metrics.drops[.wrongKey] == 1)
    }

    @Test func replayOverflowFailsTheResumeWithAClearReason() {
        var configuration = GameServerConfiguration()
        configuration.replayLimit = 4
        var harness = GameServerHarness(configuration: configuration)
        let alice = harness.connectAndJoin("lobby")
        let bob = harness.connectAndJoin("lobby")
        let last = harness.take(alice.connection).compactMap(\.sequence).last!
        harness.close(alice.connection)
        for index in 1...10 {
            harness.send(bob.broadcast("m\(index)"), from: bob)
        }
        let connection = harness.open()
        harness.send(
            .clientHello(
                .init(
                    versions: [1],
                    resume: .init(sessionID: alice.sessionID, key: alice.key, lastReceivedSequence: last)
                )
            ),
            on: connection
        )
        let answer = harness.take(connection).map(\.message)
        guard case .resumeRejected(let rejected) = answer.first, case .hello = answer.last else {
            Issue.record("expected a rejection and a new hello, got \(answer)")
            return
        }
        #expect(rejected.reason == .replayOverflow)
        #expect(rejected.message.contains("join"))
        // The old session is gone and its seat is free.
        #expect(harness.server.session(alice.sessionID) == nil)
        #expect(
            harness.server.room(RoomAddress(namespace: "/", room: "lobby"))?.members.map(\.sessionID) == [bob.sessionID]
        )
    }

    @Test func replayBufferKeepsExactlyWhatAResumeNeeds() throws {
        var harness = GameServerHarness()
        let alice = harness.connectAndJoin("lobby")
        let bob = harness.connectAndJoin("lobby")
        let last = harness.take(alice.connection).compactMap(\.sequence).last!
        harness.close(alice.connection)
        for index in 1...3 { harness.send(bob.broadcast("m\(index)"), from: bob) }
        // A client that claims more than it was sent is refused.
        let confused = harness.open()
        harness.send(
            .clientHello(
                .init(
                    versions: [1],
                    resume: .init(sessionID: alice.sessionID, key: alice.key, lastReceivedSequence: last + 10)
                )
            ),
            on: confused
        )
        guard case .resumeRejected(let rejected) = harness.take(confused).first?.message else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejected.reason == .sequenceAhead)
    }

    @Test func aSecondResumeReplacesALiveConnection() {
        var harness = GameServerHarness()
        let alice = harness.connectAndJoin("lobby")
        let last = harness.server.session(alice.sessionID)!.lastSequence
        let connection = harness.open()
        harness.send(
            .clientHello(
                .init(
                    versions: [1],
                    resume: .init(sessionID: alice.sessionID, key: alice.key, lastReceivedSequence: last)
                )
            ),
            on: connection
        )
        #expect(harness.closed[alice.connection] == .replaced)
        #expect(harness.server.session(alice.sessionID)?.connection == connection)
        // The runtime's later report of the old close changes nothing.
        harness.close(alice.connection)
        #expect(harness.server.session(alice.sessionID)?.connection == connection)
    }

    // MARK: - Limits

    @Test func slowConsumerIsCutOffWhenItsQueuePassesTheBound() {
        var configuration = GameServerConfiguration()
        configuration.outgoingQueueLimit = 2_000
        configuration.messagesPerSecond = 1_000
        var harness = GameServerHarness(configuration: configuration)
        let reader = harness.connectAndJoin("lobby")
        let stuck = harness.connectAndJoin("lobby")
        let sender = harness.connectAndJoin("lobby")
        var sent = 0
        while harness.closed[stuck.connection] == nil, sent < 1_000 {
            harness.send(sender.broadcast(String(repeating: "x", count: 100)), from: sender)
            sent += 1
            // The reader's runtime reports its queue drained; the stuck one never does.
            harness.apply(harness.server.pendingBytesChanged(0, on: reader.connection, now: harness.now))
        }
        #expect(harness.closed[stuck.connection] == .slowConsumer)
        #expect(sent < 20)
        #expect(
            harness.take(stuck.connection).last?.message
                == .goodbye(.init(reason: .slowConsumer, message: "outgoing queue over its limit"))
        )
        #expect(harness.closed[reader.connection] == nil)
        #expect(harness.server.session(stuck.sessionID) == nil)
        #expect(harness.server.metrics.sessionsEnded[.slowConsumer] == 1)
        // Everyone else keeps getting messages.
        _ = harness.take(reader.connection)
        harness.send(sender.broadcast("still here"), from: sender)
        #expect(harness.roomPayloads(reader) == ["still here"])
    }

    @Test func slowConsumerReportedByTheRuntime() {
        var configuration = GameServerConfiguration()
        configuration.outgoingQueueLimit = 10_000
        var harness = GameServerHarness(configuration: configuration)
        let client = harness.connect()
        harness.apply(harness.server.pendingBytesChanged(9_000, on: client.connection, now: harness.now))
        #expect(harness.closed[client.connection] == nil)
        harness.apply(harness.server.pendingBytesChanged(10_001, on: client.connection, now: harness.now))
        #expect(harness.closed[client.connection] == .slowConsumer)
    }

    @Test func rateLimitWarnsThenDisconnects() {
        var configuration = GameServerConfiguration()
        configuration.messagesPerSecond = 10
        configuration.rateLimitGrace = 5
        var harness = GameServerHarness(configuration: configuration)
        let flooder = harness.connectAndJoin("lobby")
        let listener = harness.connectAndJoin("lobby")
        _ = harness.take(flooder.connection)
        // The join took one token: nine more pass.
        for index in 0..<9 { harness.send(flooder.broadcast("\(index)"), from: flooder) }
        #expect(harness.roomPayloads(listener).count == 9)
        harness.send(flooder.broadcast("over"), from: flooder)
        let warned = harness.messages(flooder)
        #expect(warned.count == 1)
        guard case .warning(let warning) = warned.first else {
            Issue.record("no warning")
            return
        }
        #expect(warning.code == .rateLimit)
        #expect(harness.roomPayloads(listener).isEmpty)
        // Slowing down to the rate is fine again.
        harness.advance(by: .milliseconds(100))
        harness.send(flooder.broadcast("paced"), from: flooder)
        #expect(harness.roomPayloads(listener) == ["paced"])
        for _ in 0..<5 { harness.send(flooder.broadcast("dropped"), from: flooder) }
        #expect(harness.closed[flooder.connection] == nil)
        harness.send(flooder.broadcast("one too many"), from: flooder)
        #expect(harness.closed[flooder.connection] == .rateLimit)
        #expect(harness.roomPayloads(listener).isEmpty)
        #expect(harness.server.metrics.drops[.rateLimited] == 7)
        #expect(harness.server.metrics.rateLimitWarnings == 1)
    }

    @Test func aFloodOfGarbageIsCutOffLikeAnyFlood() {
        var configuration = GameServerConfiguration()
        configuration.messagesPerSecond = 10
        configuration.rateLimitGrace = 10
        var harness = GameServerHarness(configuration: configuration)
        let client = harness.connect()
        var sent = 0
        while harness.closed[client.connection] == nil, sent < 100_000 {
            harness.apply(
                harness.server.receive(
                    ByteBuffer(bytes: [0xee]),
                    encoding: .binary,
                    on: client.connection,
                    now: harness.now
                )
            )
            sent += 1
        }
        #expect(harness.closed[client.connection] == .rateLimit)
        #expect(sent == 10 + 1 + 10 + 1)
        // Ten error answers and one warning, then the goodbye: the answers are bounded by the rate too.
        let answers = harness.messages(client)
        #expect(answers.filter { if case .error = $0 { true } else { false } }.count == 10)
        #expect(answers.filter { if case .warning = $0 { true } else { false } }.count == 1)
        #expect(harness.server.metrics.drops[.malformed] == sent)
    }

    @Test func rateLimitForgivesOnceTheBucketRefills() {
        var configuration = GameServerConfiguration()
        configuration.messagesPerSecond = 5
        configuration.rateLimitGrace = 1
        var harness = GameServerHarness(configuration: configuration)
        let client = harness.connect()
        for round in 0..<3 {
            for _ in 0..<6 { harness.send(.ping(.init(timestamp: 0)), from: client) }
            let warnings = harness.messages(client).filter { if case .warning = $0 { true } else { false } }
            #expect(warnings.count == 1, "round \(round)")
            harness.advance(by: .seconds(1))
        }
        #expect(harness.closed[client.connection] == nil)
    }

    @Test func oversizeMessagesAndBrokenFraming() {
        var configuration = GameServerConfiguration()
        configuration.maximumMessageSize = 100
        var harness = GameServerHarness(configuration: configuration)
        let client = harness.connectAndJoin("lobby")
        harness.send(client.broadcast(String(repeating: "x", count: 200)), from: client)
        #expect(harness.errorCodes(client) == [.messageTooLarge])
        harness.apply(
            harness.server.connectionFailed(
                client.connection,
                error: .messageTooLarge(length: 100_000_000, limit: 100),
                now: harness.now
            )
        )
        #expect(harness.closed[client.connection] == .messageTooLarge)
        #expect(harness.server.session(client.sessionID) == nil)
    }

    // MARK: - Handshake and liveness

    @Test func handshakeTimeoutAndBadFirstMessages() {
        var harness = GameServerHarness()
        let silent = harness.open()
        harness.advance(by: .seconds(9))
        #expect(harness.closed[silent] == nil)
        harness.advance(by: .seconds(1))
        #expect(harness.closed[silent] == .handshakeTimeout)

        let garbage = harness.open()
        harness.apply(
            harness.server.receive(
                ByteBuffer(string: "GET / HTTP/1.1"),
                encoding: .binary,
                on: garbage,
                now: harness.now
            )
        )
        #expect(harness.closed[garbage] == .protocolError)

        let early = harness.open()
        harness.send(.join(.init(namespace: "/", room: "lobby")), on: early)
        #expect(harness.closed[early] == .protocolError)

        let future = harness.open()
        harness.send(.clientHello(.init(versions: [7, 8])), on: future)
        #expect(harness.closed[future] == .unsupportedVersion)
        guard case .goodbye(let goodbye) = harness.take(future).first?.message else {
            Issue.record("no goodbye")
            return
        }
        #expect(goodbye.reason == .unsupportedVersion)
        // A connection that finished its handshake in time is not cut off later.
        let client = harness.connect()
        harness.advance(by: .seconds(11))
        #expect(harness.closed[client.connection] == nil)
    }

    @Test func heartbeatMeasuresTheRoundTrip() {
        var harness = GameServerHarness()
        let client = harness.connect()
        harness.advance(by: .seconds(15))
        guard case .ping(let ping) = harness.messages(client).last else {
            Issue.record("no ping after one interval")
            return
        }
        harness.advance(by: .milliseconds(42))
        // A pong that echoes no ping of the server's is not a measurement.
        harness.send(.pong(.init(timestamp: 0)), from: client)
        #expect(harness.server.metrics.roundTripTimes.sampleCount == 0)
        harness.send(.pong(.init(timestamp: ping.timestamp)), from: client)
        #expect(harness.server.session(client.sessionID)?.roundTripTime == .milliseconds(42))
        #expect(harness.server.metrics.roundTripTimes.sampleCount == 1)
        #expect(harness.server.metrics.roundTripTimes.cumulativeCounts[5] == 1)  // ≤ 50 ms
        // A client's own ping is answered with its timestamp.
        harness.send(.ping(.init(timestamp: 12_345)), from: client)
        #expect(harness.messages(client) == [.pong(.init(timestamp: 12_345))])
    }

    @Test func deadPeerIsDisconnectedButMayResume() {
        var harness = GameServerHarness()
        let client = harness.connectAndJoin("lobby")
        harness.advance(by: .seconds(44))
        #expect(harness.closed[client.connection] == nil)
        harness.advance(by: .seconds(1))
        #expect(harness.closed[client.connection] == .deadPeer)
        #expect(harness.server.session(client.sessionID)?.isConnected == false)
        #expect(harness.server.session(client.sessionID)?.rooms.count == 1)
    }

    @Test func answeringPingsKeepsASessionAliveUntilItIdlesOut() {
        var configuration = GameServerConfiguration()
        configuration.idleTimeout = .minutes(1)
        var harness = GameServerHarness(configuration: configuration)
        let client = harness.connect()
        var pongs = 0
        while harness.closed[client.connection] == nil, pongs < 10 {
            harness.advance(by: .seconds(15))
            for case .ping(let ping) in harness.messages(client) {
                harness.send(.pong(.init(timestamp: ping.timestamp)), from: client)
                pongs += 1
            }
        }
        #expect(harness.closed[client.connection] == .idleTimeout)
        #expect(pongs == 3)
        #expect(harness.server.session(client.sessionID) == nil)
    }

    // MARK: - UDP

    @Test func udpBindFromAnyAddressWithTheRightKey() throws {
        var harness = GameServerHarness()
        let alice = harness.connectAndJoin("lobby")
        let bob = harness.connectAndJoin("lobby")
        let home = try SocketAddress(ipAddress: "127.0.0.1", port: 5000)
        let roaming = try SocketAddress(ipAddress: "127.0.0.2", port: 6000)
        harness.sendDatagram(.datagram(alice.credentials, .udpBind), from: home)
        #expect(harness.datagrams.count == 1)
        #expect(harness.datagrams.last?.address == home)
        #expect(harness.datagrams.last?.frame == .message(.udpBound(.init(sessionID: alice.sessionID))))

        // Unreliable broadcasts reach a bound member over UDP, unsequenced; others over their stream.
        _ = harness.take(alice.connection)
        _ = harness.take(bob.connection)
        harness.send(bob.broadcast("pos 1", channel: .unreliable), from: bob)
        #expect(harness.datagrams.count == 2)
        guard case .message(.roomMessage(let message)) = harness.datagrams.last?.frame else {
            Issue.record("no datagram")
            return
        }
        #expect(message.payload == "pos 1")
        #expect(harness.take(alice.connection).isEmpty)
        harness.sendDatagram(.datagram(alice.credentials, alice.broadcast("pos 2", channel: .unreliable)), from: home)
        let toBob = harness.take(bob.connection)
        #expect(toBob.map(\.sequence) == [nil])
        #expect(toBob.first?.message.roomPayloadText == "pos 2")

        // A new address (NAT rebinding) takes over with the same credentials.
        harness.sendDatagram(.datagram(alice.credentials, .udpKeepalive), from: roaming)
        #expect(harness.server.session(alice.sessionID)?.udpAddress == roaming)

        // Wrong key, unknown id, bare messages and garbage get nothing back and are counted.
        let sent = harness.datagrams.count
        let wrongKey = SessionCredentials(sessionID: alice.sessionID, key: SessionKey(high: 1, low: 2))
        harness.sendDatagram(.datagram(wrongKey, .udpBind), from: home)
        harness.sendDatagram(.datagram(.init(sessionID: 999, key: alice.key), .udpBind), from: home)
        harness.sendDatagram(.message(.udpBind), from: home)
        harness.apply(harness.server.receiveDatagram(ByteBuffer(bytes: [0xde, 0xad]), from: home, now: harness.now))
        harness.sendDatagram(.datagram(alice.credentials, .join(.init(namespace: "/", room: "x"))), from: home)
        #expect(harness.datagrams.count == sent)
        #expect(harness.server.session(alice.sessionID)?.udpAddress == roaming)
        let drops = harness.server.metrics.drops
        #expect(drops[.wrongKey] == 1)
        #expect(drops[.unknownSession] == 1)
        #expect(drops[.unexpectedDatagram] == 2)
        #expect(drops[.malformed] == 1)

        // When the stream closes, the UDP side closes with it.
        harness.close(alice.connection)
        harness.sendDatagram(.datagram(alice.credentials, .udpKeepalive), from: roaming)
        #expect(harness.server.metrics.drops[.detachedSession] == 1)
        #expect(harness.server.session(alice.sessionID)?.udpAddress == nil)
    }

    @Test func shutdownTellsEveryClientAndRefusesNewSessions() {
        var harness = GameServerHarness()
        let clients = (0..<3).map { _ in harness.connect() }
        harness.apply(harness.server.shutdown(now: harness.now))
        for client in clients {
            #expect(harness.closed[client.connection] == .serverShutdown)
            #expect(
                harness.messages(client).last
                    == .goodbye(.init(reason: .serverShutdown, message: "server shutting down"))
            )
        }
        let late = harness.open()
        harness.send(.clientHello(.init(versions: [1])), on: late)
        #expect(harness.closed[late] == .serverShutdown)
    }
}

extension GameMessage {
    /// The payload of a room message as text.
    var roomPayloadText: String? {
        guard case .roomMessage(let message) = self else { return nil }
        return message.payload.text
    }
}
