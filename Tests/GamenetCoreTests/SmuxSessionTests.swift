import GamenetCore
import NIOCore
import Testing

/// The smux multiplexer: frames byte for byte as xtaci/smux writes them, and two sessions joined back to back in
/// virtual time: opening, data both ways, half-close, version 2 windows, keepalive and protocol errors.
@Suite struct SmuxSessionTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func drain(_ session: inout SmuxSession, maxBytes: Int = .max) -> ByteBuffer {
        var output = ByteBuffer()
        session.pollOutput(maxBytes: maxBytes, into: &output)
        return output
    }

    /// Moves everything `from` has to send into `to`, and returns the events `to` saw.
    static func pump(
        _ from: inout SmuxSession,
        _ to: inout SmuxSession,
        now: NIODeadline = start
    ) throws -> [SmuxSession.Event] {
        var events: [SmuxSession.Event] = []
        let bytes = Self.drain(&from)
        if bytes.readableBytes > 0 {
            try to.input(bytes, now: now, into: &events)
        }
        return events
    }

    static func data(_ events: [SmuxSession.Event], stream: UInt32) -> [UInt8] {
        events.flatMap { event -> [UInt8] in
            if case .data(let id, let buffer) = event, id == stream { return Array(buffer.readableBytesView) }
            return []
        }
    }

    @Test func goldenBytesOfVersion1() {
        var client = SmuxSession(configuration: SmuxConfiguration(version: 1), isClient: true, now: Self.start)
        let id = client.openStream()
        #expect(id == 3)
        client.send(ByteBuffer(string: "hi"), streamID: id)
        client.finish(streamID: id)
        #expect(hexString(Self.drain(&client)) == "0100000003000000" + "0102020003000000" + "6869" + "0101000003000000")
    }

    @Test func goldenBytesOfVersion2UpdateAndNop() throws {
        var server = SmuxSession(configuration: SmuxConfiguration(version: 2), isClient: false, now: Self.start)
        var events: [SmuxSession.Event] = []
        try server.input(
            ByteBuffer(bytes: [2, 0, 0, 0, 5, 0, 0, 0, 2, 2, 3, 0, 5, 0, 0, 0, 0x61, 0x62, 0x63]),
            now: Self.start,
            into: &events
        )
        #expect(events == [.streamOpened(5), .data(5, ByteBuffer(string: "abc"))])
        server.consumed(3, streamID: 5)
        // UPD: consumed 3, window 2 MiB (0x00200000).
        #expect(hexString(Self.drain(&server)) == "0204080005000000" + "03000000" + "00002000")
        try server.tick(now: Self.start + .seconds(10))
        #expect(hexString(Self.drain(&server)) == "0203000000000000")
        #expect(server.openStream() == 2)
    }

    @Test func framesArriveInAnySplit() throws {
        var client = SmuxSession(configuration: SmuxConfiguration(version: 2), isClient: true, now: Self.start)
        var server = SmuxSession(configuration: SmuxConfiguration(version: 2), isClient: false, now: Self.start)
        let id = client.openStream()
        let payload = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        client.send(ByteBuffer(bytes: payload), streamID: id)
        client.finish(streamID: id)
        var bytes = Self.drain(&client)
        var events: [SmuxSession.Event] = []
        // Feed it 1, 2, 3 ... bytes at a time.
        var size = 1
        while bytes.readableBytes > 0 {
            let piece = bytes.readSlice(length: min(size, bytes.readableBytes))!
            try server.input(piece, now: Self.start, into: &events)
            size = size % 37 + 1
        }
        #expect(events.first == .streamOpened(id))
        #expect(Self.data(events, stream: id) == payload)
        #expect(events.last == .endOfInput(id))
    }

    @Test func parallelStreamsBothWaysAndHalfClose() throws {
        var client = SmuxSession(configuration: SmuxConfiguration(version: 1), isClient: true, now: Self.start)
        var server = SmuxSession(configuration: SmuxConfiguration(version: 1), isClient: false, now: Self.start)
        let a = client.openStream()
        let b = client.openStream()
        #expect((a, b) == (3, 5))
        client.send(ByteBuffer(string: "to a"), streamID: a)
        client.send(ByteBuffer(string: "to b"), streamID: b)
        client.finish(streamID: a)
        var events = try Self.pump(&client, &server)
        #expect(events.contains(.streamOpened(a)) && events.contains(.streamOpened(b)))
        #expect(Self.data(events, stream: a) == Array("to a".utf8))
        #expect(events.contains(.endOfInput(a)))
        // The half-closed stream still carries data the other way.
        server.send(ByteBuffer(string: "back"), streamID: a)
        server.finish(streamID: a)
        events = try Self.pump(&server, &client)
        #expect(Self.data(events, stream: a) == Array("back".utf8))
        #expect(events.contains(.endOfInput(a)))
        #expect(!client.isOpen(streamID: a) && !server.isOpen(streamID: a))
        #expect(client.isOpen(streamID: b) && server.isOpen(streamID: b))
    }

    @Test func version2WindowStallsUntilConsumed() throws {
        let configuration = SmuxConfiguration(version: 2, maxStreamBuffer: 65_536)
        var client = SmuxSession(configuration: configuration, isClient: true, now: Self.start)
        var server = SmuxSession(configuration: configuration, isClient: false, now: Self.start)
        let id = client.openStream()
        let total = 600_000
        client.send(ByteBuffer(repeating: 0x5A, count: total), streamID: id)
        var received = 0
        var rounds = 0
        while received < total, rounds < 1000 {
            rounds += 1
            let events = try Self.pump(&client, &server)
            let bytes = Self.data(events, stream: id).count
            // Never more in flight than the window: 256 KiB at first, then the 64 KiB advertised.
            #expect(bytes <= 262_144)
            received += bytes
            server.consumed(bytes, streamID: id)
            _ = try Self.pump(&server, &client)
        }
        #expect(received == total)
        #expect(rounds > 3)
        #expect(client.pendingBytes(streamID: id) == 0)
    }

    @Test func version2SenderStopsWithoutUpdates() throws {
        var client = SmuxSession(configuration: SmuxConfiguration(version: 2), isClient: true, now: Self.start)
        let id = client.openStream()
        client.send(ByteBuffer(repeating: 1, count: 400_000), streamID: id)
        _ = Self.drain(&client)
        #expect(client.pendingBytes(streamID: id) == 400_000 - 262_144)
        #expect(!client.hasOutput)
        var events: [SmuxSession.Event] = []
        // UPD: consumed 262144, window 262144.
        try client.input(
            ByteBuffer(bytes: [2, 4, 8, 0, 3, 0, 0, 0, 0, 0, 4, 0, 0, 0, 4, 0]),
            now: Self.start,
            into: &events
        )
        #expect(client.hasOutput)
        _ = Self.drain(&client)
        #expect(client.pendingBytes(streamID: id) == 0)
    }

    @Test func outputRespectsTheByteLimit() {
        var client = SmuxSession(configuration: SmuxConfiguration(version: 1), isClient: true, now: Self.start)
        let id = client.openStream()
        client.send(ByteBuffer(repeating: 1, count: 100_000), streamID: id)
        var output = ByteBuffer()
        let written = client.pollOutput(maxBytes: 20_000, into: &output)
        #expect(written >= 20_000 && written < 20_000 + 8192 + 8)
        #expect(client.pendingBytes(streamID: id) > 0)
    }

    @Test func protocolErrors() {
        var session = SmuxSession(configuration: SmuxConfiguration(version: 1), isClient: false, now: Self.start)
        var events: [SmuxSession.Event] = []
        #expect(throws: SmuxError.versionMismatch(expected: 1, received: 2)) {
            try session.input(ByteBuffer(bytes: [2, 0, 0, 0, 3, 0, 0, 0]), now: Self.start, into: &events)
        }
        var other = SmuxSession(configuration: SmuxConfiguration(version: 1), isClient: false, now: Self.start)
        #expect(throws: SmuxError.unknownCommand(9)) {
            try other.input(ByteBuffer(bytes: [1, 9, 0, 0, 3, 0, 0, 0]), now: Self.start, into: &events)
        }
        var v2 = SmuxSession(configuration: SmuxConfiguration(version: 2), isClient: false, now: Self.start)
        #expect(throws: SmuxError.malformedUpdate(length: 4)) {
            try v2.input(ByteBuffer(bytes: [2, 4, 4, 0, 3, 0, 0, 0, 1, 2, 3, 4]), now: Self.start, into: &events)
        }
    }

    @Test func dataForUnknownStreamsIsDropped() throws {
        var session = SmuxSession(configuration: SmuxConfiguration(version: 1), isClient: false, now: Self.start)
        var events: [SmuxSession.Event] = []
        try session.input(
            ByteBuffer(bytes: [1, 2, 1, 0, 9, 0, 0, 0, 0x41, 1, 1, 0, 9, 0, 0, 0]),
            now: Self.start,
            into: &events
        )
        #expect(events.isEmpty)
        #expect(session.framesDropped == 1)
    }

    @Test func keepaliveTimeoutFailsTheSession() throws {
        var session = SmuxSession(configuration: SmuxConfiguration(version: 2), isClient: true, now: Self.start)
        #expect(session.nextDeadline == Self.start + .seconds(10))
        try session.tick(now: Self.start + .seconds(29))
        var events: [SmuxSession.Event] = []
        try session.input(ByteBuffer(bytes: [2, 3, 0, 0, 0, 0, 0, 0]), now: Self.start + .seconds(29), into: &events)
        try session.tick(now: Self.start + .seconds(58))
        #expect(throws: SmuxError.keepaliveTimeout(milliseconds: 30_000)) {
            try session.tick(now: Self.start + .seconds(59))
        }
    }
}
