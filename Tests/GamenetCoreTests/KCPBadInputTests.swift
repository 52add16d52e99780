import GamenetCore
import NIOCore
import Testing

/// What `KCPSession.input` makes of datagrams a peer should not send: each is refused with the `KCPInputError` for
/// ikcp_input's return code, or dropped as ikcp_input drops it; nothing traps, and nothing grows without bound.
@Suite struct KCPBadInputTests {
    private static func receiver() -> KCPSession {
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        _ = session.kcpUpdate(0)
        return session
    }

    private static func inputError(_ session: inout KCPSession, _ datagram: ByteBuffer) -> KCPInputError? {
        do {
            try session.input(datagram)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Refused datagrams

    @Test func truncatedDatagrams() throws {
        var session = Self.receiver()
        let whole = kcpDatagram(.push(sn: 0, [1, 2, 3]))
        for length in [0, 1, 12, 23] {
            #expect(Self.inputError(&session, whole.getSlice(at: 0, length: length)!) == .truncated)
        }
        // A header whose payload is cut short is a length error (-2), not a short datagram.
        #expect(Self.inputError(&session, whole.getSlice(at: 0, length: 26)!) == .lengthBeyondDatagram)
        // Trailing bytes shorter than a header are ignored, as ikcp_input's loop ignores them.
        var trailing = whole
        trailing.writeBytes([9, 9, 9, 9, 9])
        #expect(Self.inputError(&session, trailing) == nil)
        #expect(session.receive() == ByteBuffer(bytes: [1, 2, 3]))
        #expect(session.receive() == nil)
    }

    @Test func wrongConversation() throws {
        var session = Self.receiver()
        var header = KCPSegmentHeader(kcp: .push, sn: 0, conversation: 0x5566_7788)
        header.length = 1
        var datagram = ByteBuffer()
        datagram.writeKCPSegmentHeader(header)
        datagram.writeInteger(UInt8(7))
        #expect(Self.inputError(&session, datagram) == .wrongConversation(0x5566_7788))
        #expect(session.receive() == nil)
        // After a good segment: the good one is kept (ikcp_input returns -1 half-way), the rest refused.
        var mixed = kcpDatagram(.push(sn: 0, [1]))
        mixed.writeImmutableBuffer(datagram)
        #expect(Self.inputError(&session, mixed) == .wrongConversation(0x5566_7788))
        #expect(session.receive() == ByteBuffer(bytes: [1]))
        #expect(kcpDecode(session.kcpFlush()).map(\.sn) == [0])
    }

    @Test(arguments: [4, 1000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF] as [UInt32])
    func lengthBeyondTheDatagram(_ length: UInt32) throws {
        var session = Self.receiver()
        var datagram = ByteBuffer()
        var header = KCPSegmentHeader(kcp: .push, sn: 0)
        header.length = length
        datagram.writeKCPSegmentHeader(header)
        datagram.writeBytes([1, 2, 3])
        #expect(Self.inputError(&session, datagram) == .lengthBeyondDatagram)
        // The length is checked before the command, as in ikcp_input (-2 before -3).
        datagram.setInteger(UInt8(99), at: 4)
        #expect(Self.inputError(&session, datagram) == .lengthBeyondDatagram)
        #expect(session.receive() == nil)
        #expect(session.kcpFlush().isEmpty)
    }

    @Test(arguments: [0, 1, 80, 85, 90, 255] as [UInt8])
    func unknownCommand(_ command: UInt8) throws {
        var session = Self.receiver()
        var datagram = kcpDatagram(.push(sn: 0, [1]))
        datagram.setInteger(command, at: 4)
        #expect(Self.inputError(&session, datagram) == .unknownCommand(command))
        #expect(session.receive() == nil)
        #expect(session.kcpFlush().isEmpty)
    }

    // MARK: - Dropped or bounded

    @Test func absurdFragmentCountNeverCompletesAndStaysWithinTheWindow() throws {
        // frg 255 on the first segment: ikcp_peeksize waits for 256 segments in rcv_queue, which holds at most 128,
        // so no message ever completes; the queue fills to the window, rcv_buf takes the next 128, the rest is dropped.
        var session = Self.receiver()
        var acknowledged = Set<UInt32>()
        var lastHeader: KCPSegmentHeader?
        for batch in 0..<100 {
            let segments = (0..<100).map { index -> KCPTestSegment in
                let sn = UInt32(batch * 100 + index)
                return .push(sn: sn, frg: sn == 0 ? 255 : 0, [UInt8(truncatingIfNeeded: sn)])
            }
            try session.input(kcpDatagram(segments))
            #expect(session.receive() == nil)
            #expect(session.nextMessageSize == nil)
            for segment in kcpDecode(session.kcpFlush()) {
                #expect(segment.command == .ack)
                acknowledged.insert(segment.sn)
                lastHeader = segment.header
            }
        }
        #expect(acknowledged == Set(0..<256))
        #expect(lastHeader?.window == 0)
        #expect(lastHeader?.unacknowledged == 128)
        #expect(session.droppedAcknowledgements == 0)
        // The same flood again: the 256 held are acknowledged again, nothing else is taken.
        for batch in 0..<100 {
            let segments = (0..<100).map { KCPTestSegment.push(sn: UInt32(batch * 100 + $0), [0]) }
            try session.input(kcpDatagram(segments))
            let sns = kcpDecode(session.kcpFlush()).map(\.sn)
            #expect(sns.allSatisfy { $0 < 256 })
        }
        #expect(session.receive() == nil)
        #expect(session.waitingToSend == 0)
    }

    @Test func shutWindowStartsProbing() throws {
        var session = Self.receiver()
        try session.send(ByteBuffer(string: "hello"))
        try session.input(kcpDatagram(.windowTell(wnd: 0)))
        var commands: [(UInt32, KCPSegmentHeader.Command)] = []
        for now in stride(from: UInt32(100), through: 10_000, by: 100) {
            commands += kcpDecode(session.kcpUpdate(now)).map { (now, $0.command) }
        }
        #expect(commands.map(\.0) == [7100])
        #expect(commands.map(\.1) == [.windowAsk])
        #expect(session.waitingToSend == 1)
    }

    @Test func floodOfWindowAsksGetsOneWindowTellPerFlush() throws {
        var session = Self.receiver()
        // 10,000 WASK in one datagram, then 10,000 datagrams of one WASK each.
        try session.input(kcpDatagram([KCPTestSegment](repeating: .windowAsk(), count: 10_000)))
        var reply = kcpDecode(session.kcpFlush())
        #expect(reply.map(\.command) == [.windowTell])
        for _ in 0..<10_000 { try session.input(kcpDatagram(.windowAsk())) }
        let datagrams = session.kcpFlush()
        #expect(datagrams.map(\.readableBytes) == [KCPSegmentHeader.size])
        reply = kcpDecode(datagrams)
        #expect(reply.map(\.command) == [.windowTell])
        #expect(reply.first?.header.window == 128)
        #expect(session.kcpFlush().isEmpty)
        #expect(session.droppedAcknowledgements == 0)
        #expect(session.waitingToSend == 0)
        #expect(session.receive() == nil)
    }

    @Test func floodOfDataOutsideTheWindowIsDropped() throws {
        var session = Self.receiver()
        // Beyond the window (sn >= rcv_nxt + 128, up to 2^31 ahead): neither acknowledged nor kept.
        for base in [128, 1_000, 1_000_000, 0x7FFF_0000] as [UInt32] {
            let segments = (0..<2_500).map { KCPTestSegment.push(sn: base &+ UInt32($0), [0xEE]) }
            try session.input(kcpDatagram(segments))
        }
        #expect(session.kcpFlush().isEmpty)
        #expect(session.receive() == nil)
        #expect(session.droppedAcknowledgements == 0)
        // The window's own segments are still taken afterwards.
        try session.input(kcpDatagram(.push(sn: 0, [1]), .push(sn: 127, [2])))
        #expect(kcpDecode(session.kcpFlush()).map(\.sn) == [0, 127])
        #expect(session.kcpReceiveAll() == [ByteBuffer(bytes: [1])])
    }

    @Test func floodOfOldDataIsAcknowledgedUpToABound() throws {
        var session = Self.receiver()
        try session.input(kcpDatagram((0..<10).map { KCPTestSegment.push(sn: UInt32($0), [UInt8($0)]) }))
        #expect(kcpDecode(session.kcpFlush()).count == 10)
        #expect(session.kcpReceiveAll().count == 10)
        // 10,000 copies of old segments (sn < rcv_nxt, down to 2^31 behind) between two flushes: ikcp_input would
        // acknowledge each; KCPSession keeps at most 4 windows' worth (512) and counts the rest.
        let old = (0..<10_000).map { index -> KCPTestSegment in
            let sn: UInt32 = index < 5_000 ? UInt32(index % 10) : 10 &- 0x8000_0000 &+ UInt32(index)
            return .push(sn: sn, [0xAA])
        }
        try session.input(kcpDatagram(old))
        #expect(session.droppedAcknowledgements == 10_000 - 512)
        let datagrams = session.kcpFlush()
        #expect(datagrams.allSatisfy { $0.readableBytes <= 1400 })
        // 58 ACKs fit in 1,400 bytes: 8 full datagrams and one of 48.
        #expect(datagrams.count == 9)
        let acks = kcpDecode(datagrams)
        #expect(acks.count == 512)
        #expect(acks.allSatisfy { $0.command == .ack && $0.header.unacknowledged == 10 })
        #expect(session.receive() == nil)
        #expect(session.kcpFlush().isEmpty)
    }

    @Test func duplicateSegmentsAreDeliveredOnce() throws {
        var session = Self.receiver()
        let message = kcpPattern(3000, seed: 5)
        let fragments = (0..<3).map { index in
            KCPTestSegment.push(
                sn: UInt32(index),
                frg: UInt8(2 - index),
                Array(message.getSlice(at: index * 1376, length: min(1376, 3000 - index * 1376))!.readableBytesView)
            )
        }
        // Each fragment twice, out of order, across datagrams; the last one three times.
        try session.input(kcpDatagram(fragments[1], fragments[1]))
        try session.input(kcpDatagram(fragments[2]))
        try session.input(kcpDatagram(fragments[0], fragments[2]))
        try session.input(kcpDatagram(fragments[0], fragments[2]))
        // Every copy is acknowledged (as ikcp_input does), the message comes out once.
        #expect(kcpDecode(session.kcpFlush()).map(\.sn) == [1, 1, 2, 0, 2, 0, 2])
        #expect(session.kcpReceiveAll() == [message])
        try session.input(kcpDatagram(fragments[0], fragments[1], fragments[2]))
        #expect(session.receive() == nil)
    }

    @Test func acknowledgementsForWhatWasNeverSentChangeNothing() throws {
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 1, interval: 10)
        )
        for index in 0..<3 { try session.send(ByteBuffer(bytes: [UInt8(index)])) }
        #expect(kcpDecode(session.kcpUpdate(0)).count == 3)
        _ = session.kcpUpdate(5)
        try session.input(kcpDatagram(.ack(sn: 3, ts: 0), .ack(sn: 1_000, ts: 0), .ack(sn: 0xFFFF_FFFF, ts: 0)))
        #expect(session.waitingToSend == 3)
        try session.input(kcpDatagram(.ack(sn: 1, ts: 0)))
        #expect(session.waitingToSend == 2)
    }

    @Test func absurdRoundTripSamplesAreBounded() throws {
        // An ACK whose echoed ts is 2^31 - 1 ms before the clock (a corrupted or forged datagram): ikcp_update_ack's
        // int32 arithmetic overflows there; KCPSession bounds the RTO to 60 s (as the reference ends up doing) and
        // goes on.
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        var now: UInt32 = 50
        _ = session.kcpUpdate(now)
        for _ in 0..<5 {
            try session.input(kcpDatagram(.ack(sn: 0, ts: now &- 0x7FFF_FFFF)))
            #expect(session.smoothedRoundTripTime == Int(Int32.max))
            #expect(session.retransmissionTimeout == 60_000)
        }
        // Sane samples pull the average back down, 1/8 at a time, without overflowing on the way.
        for _ in 0..<300 {
            now &+= 100
            _ = session.kcpUpdate(now)
            try session.input(kcpDatagram(.ack(sn: 0, ts: now &- 40)))
            #expect((100...60_000).contains(session.retransmissionTimeout))
        }
        #expect(session.smoothedRoundTripTime < 100)
        #expect(session.retransmissionTimeout < 1000)
    }

    @Test func seededGarbageNeverTraps() throws {
        // 20,000 random datagrams of 1 to 3 segments, each with the right conversation id, a valid command and a
        // true length three times in four, and every other field random; one in ten cut short. The errors are the
        // four kinds, the flushes decode, and the bounds hold.
        var random = SplitMix64(seed: 2024)
        var session = KCPSession(conversation: kcpTestConversation, configuration: .mode(.fast3))
        try session.send(kcpPattern(5000, seed: 1))
        var now: UInt32 = 0
        var accepted = 0
        var refused: [String: Int] = [:]
        for index in 0..<20_000 {
            var datagram = ByteBuffer()
            let segments = Int(random.next() % 3) + 1
            for _ in 0..<segments {
                let length = Int(random.next() % 40)
                let conversation =
                    random.next() % 4 == 0 ? UInt32(truncatingIfNeeded: random.next()) : kcpTestConversation
                datagram.writeInteger(conversation, endianness: .little)
                datagram.writeInteger(
                    random.next() % 4 == 0 ? UInt8(truncatingIfNeeded: random.next()) : UInt8(81 + random.next() % 4)
                )
                datagram.writeInteger(UInt8(truncatingIfNeeded: random.next()))  // frg
                datagram.writeInteger(UInt16(truncatingIfNeeded: random.next()), endianness: .little)  // wnd
                datagram.writeInteger(UInt32(truncatingIfNeeded: random.next()), endianness: .little)  // ts
                // sn: near the window half the time
                let sn =
                    random.next() % 2 == 0 ? UInt32(random.next() % 300) : UInt32(truncatingIfNeeded: random.next())
                datagram.writeInteger(sn, endianness: .little)
                datagram.writeInteger(UInt32(truncatingIfNeeded: random.next() % 8), endianness: .little)  // una
                let lengthField = random.next() % 4 == 0 ? UInt32(truncatingIfNeeded: random.next()) : UInt32(length)
                datagram.writeInteger(lengthField, endianness: .little)
                datagram.writeRepeatingByte(UInt8(truncatingIfNeeded: index), count: length)
            }
            if random.next() % 10 == 0 {
                datagram.moveWriterIndex(to: Int(random.next() % UInt64(datagram.readableBytes + 1)))
            }
            do {
                try session.input(datagram)
                accepted += 1
            } catch {
                switch error {
                case .truncated: refused["truncated", default: 0] += 1
                case .wrongConversation: refused["conversation", default: 0] += 1
                case .lengthBeyondDatagram: refused["length", default: 0] += 1
                case .unknownCommand: refused["command", default: 0] += 1
                }
            }
            while session.receive() != nil {}
            if index % 50 == 0 {
                now &+= 10
                let datagrams = session.kcpUpdateAndFlush(now)
                #expect(datagrams.allSatisfy { $0.readableBytes <= 1400 })
                _ = kcpDecode(datagrams)
                #expect(session.waitingToSend <= 4)
                #expect((30...60_000).contains(session.retransmissionTimeout))
            }
        }
        #expect(accepted > 1000)
        #expect(refused.keys.sorted() == ["command", "conversation", "length", "truncated"])
    }
}
