import GamenetCore
import NIOCore
import Testing

/// `KCPSession` step by step against ikcp.c's logic, worked by hand (and checked against the reference build that
/// made the golden vectors).
@Suite struct KCPSessionTests {
    // MARK: - RTT and RTO (ikcp_update_ack)

    @Test(arguments: KCPConfiguration.Mode.allCases)
    func initialRTOIs200(_ mode: KCPConfiguration.Mode) {
        let session = KCPSession(conversation: kcpTestConversation, configuration: .mode(mode))
        #expect(session.retransmissionTimeout == 200)
        #expect(session.smoothedRoundTripTime == 0)
        #expect(session.waitingToSend == 0)
        #expect(session.isIdle)
        #expect(!session.isDeadLink)
    }

    /// Feeds an ACK whose echoed ts makes the round trip `rtt` ms, at a fresh instant a second later.
    private static func sample(_ rtt: UInt32, into session: inout KCPSession, at now: inout UInt32) throws {
        now += 1000
        _ = session.kcpUpdate(now)
        // An ACK for nothing in flight still gives a sample: ikcp_input measures before ikcp_parse_ack.
        try session.input(kcpDatagram(.ack(sn: 0, ts: now &- rtt)))
    }

    @Test func rttSamplesFollowIkcpUpdateAck() throws {
        // nodelay 0, interval 100: rto = srtt + max(interval, 4 * rttvar), within 100...60000.
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        var now: UInt32 = 0
        // First sample: srtt = 50, rttvar = 25, rto = 50 + max(100, 100).
        try Self.sample(50, into: &session, at: &now)
        #expect(session.smoothedRoundTripTime == 50)
        #expect(session.retransmissionTimeout == 150)
        // rtt 80: delta 30, rttvar = (3*25 + 30)/4 = 26, srtt = (7*50 + 80)/8 = 53, rto = 53 + max(100, 104).
        try Self.sample(80, into: &session, at: &now)
        #expect(session.smoothedRoundTripTime == 53)
        #expect(session.retransmissionTimeout == 157)
        // rtt 99: delta 46, rttvar = (78 + 46)/4 = 31, srtt = (371 + 99)/8 = 58, rto = 58 + 124.
        try Self.sample(99, into: &session, at: &now)
        #expect(session.smoothedRoundTripTime == 58)
        #expect(session.retransmissionTimeout == 182)
        // rtt 1000: delta 942, rttvar = (93 + 942)/4 = 258, srtt = (406 + 1000)/8 = 175, rto = 175 + 1032.
        try Self.sample(1000, into: &session, at: &now)
        #expect(session.smoothedRoundTripTime == 175)
        #expect(session.retransmissionTimeout == 1207)
        // An ACK with a ts ahead of the clock gives no sample.
        now += 1000
        _ = session.kcpUpdate(now)
        try session.input(kcpDatagram(.ack(sn: 0, ts: now + 5)))
        #expect(session.smoothedRoundTripTime == 175)
        #expect(session.retransmissionTimeout == 1207)
    }

    @Test func rtoBounds() throws {
        var now: UInt32 = 0
        // nodelay 0: at least 100 (IKCP_RTO_MIN), even with interval 10: 4 + max(10, 8) = 14 -> 100.
        var normal = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 10)
        )
        try Self.sample(4, into: &normal, at: &now)
        #expect(normal.retransmissionTimeout == 100)
        // nodelay 1: at least 30 (IKCP_RTO_NDL): 14 -> 30.
        var fast = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 1, interval: 10)
        )
        try Self.sample(4, into: &fast, at: &now)
        #expect(fast.retransmissionTimeout == 30)
        // A first sample of 20: 20 + max(10, 40) = 60, above the floor.
        var fast2 = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 2, interval: 10)
        )
        try Self.sample(20, into: &fast2, at: &now)
        #expect(fast2.retransmissionTimeout == 60)
        // At most 60,000 (IKCP_RTO_MAX): 50000 + max(100, 100000).
        var slow = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        try Self.sample(50_000, into: &slow, at: &now)
        #expect(slow.smoothedRoundTripTime == 50_000)
        #expect(slow.retransmissionTimeout == 60_000)
        // A sample of 0 leaves srtt at 0, so the next sample counts as the first again: 0 + max(100, 0) = 100, then
        // 40 + max(100, 80) = 140.
        var zero = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        try Self.sample(0, into: &zero, at: &now)
        #expect(zero.smoothedRoundTripTime == 0)
        #expect(zero.retransmissionTimeout == 100)
        try Self.sample(40, into: &zero, at: &now)
        #expect(zero.smoothedRoundTripTime == 40)
        #expect(zero.retransmissionTimeout == 140)
    }

    // MARK: - Retransmission (ikcp_flush)

    struct Schedule: Sendable, CustomTestStringConvertible {
        var nodelay: Int
        /// An RTT sample taken at t = 0, before sending, to move rx_rto from 200.
        var sample: UInt32?
        var sessionRTO: Int
        var times: [UInt32]
        var testDescription: String { "nodelay \(self.nodelay), rx_rto \(self.sessionRTO)" }
    }

    static let schedules = [
        // nodelay 0: first resend after rto + rto>>3 = 225, then rto += max(rto, rx_rto): 400, 800, 1600, 3200.
        Schedule(nodelay: 0, sample: nil, sessionRTO: 200, times: [0, 225, 625, 1425, 3025, 6225]),
        // nodelay 1: after rto, then rto += rto/2: 300, 450, 675, 1012, 1518, 2277.
        Schedule(nodelay: 1, sample: nil, sessionRTO: 200, times: [0, 200, 500, 950, 1625, 2637, 4155, 6432]),
        // nodelay 2: after rto, then rto += rx_rto/2 (100 each time): 300, 400, 500, ...
        Schedule(
            nodelay: 2,
            sample: nil,
            sessionRTO: 200,
            times: [0, 200, 500, 900, 1400, 2000, 2700, 3500, 4400, 5400, 6500]
        ),
        // With rx_rto 300 (a sample of 100 at interval 100): nodelay 1 grows by the segment's rto/2 (450, 675,
        // 1012), nodelay 2 by rx_rto/2 = 150 (450, 600, 750).
        Schedule(nodelay: 1, sample: 100, sessionRTO: 300, times: [0, 300, 750, 1425, 2437]),
        Schedule(nodelay: 2, sample: 100, sessionRTO: 300, times: [0, 300, 750, 1350, 2100]),
    ]

    @Test(arguments: schedules)
    func retransmissionSchedule(_ schedule: Schedule) throws {
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: schedule.nodelay, interval: 100)
        )
        _ = session.kcpUpdate(0)
        if let sample = schedule.sample {
            try session.input(kcpDatagram(.ack(sn: 999, ts: 0 &- sample)))
        }
        #expect(session.retransmissionTimeout == schedule.sessionRTO)
        try session.send(ByteBuffer(string: "x"))
        var times: [UInt32] = []
        let end = schedule.times.last! + 200
        for now in 0...end {
            for segment in kcpDecode(session.kcpUpdateAndFlush(now)) where segment.command == .push {
                #expect(segment.ts == now)
                times.append(now)
            }
        }
        #expect(times == schedule.times)
        #expect(session.timeoutRetransmissions == schedule.times.count - 1)
        #expect(session.waitingToSend == 1)
    }

    @Test func backOffTakesTheLargerOfTheSegmentAndSessionRTO() throws {
        // nodelay 0: two segments sent at 0 with rto 200; an ACK for the first raises rx_rto to 1800 (a sample of
        // 600: 600 + max(100, 1200)). The second, due at 225, backs off by max(200, 1800): rto 2000, next at 2225;
        // then by max(2000, 1800): rto 4000, next at 6225.
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        try session.send(ByteBuffer(string: "a"))
        try session.send(ByteBuffer(string: "b"))
        #expect(kcpDecode(session.kcpUpdate(0)).map(\.sn) == [0, 1])
        var resends: [UInt32] = []
        for now: UInt32 in 1...7000 {
            _ = session.kcpUpdate(now)
            if now == 100 {
                try session.input(kcpDatagram(.ack(sn: 0, ts: 100 &- 600)))
                #expect(session.retransmissionTimeout == 1800)
            }
            for segment in kcpDecode(session.kcpFlush()) where segment.command == .push {
                #expect(segment.sn == 1)
                resends.append(now)
            }
        }
        #expect(resends == [225, 2225, 6225])
    }

    @Test func retransmissionWaitsForTheFlushInterval() throws {
        // ikcp_update flushes only every interval: a segment due at 325 goes out at the flush at 400, though
        // ikcp_check already says 325.
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        _ = session.kcpUpdate(0)
        try session.send(ByteBuffer(string: "x"))
        #expect(kcpDecode(session.kcpUpdate(100)).map(\.ts) == [100])
        #expect(session.kcpUpdate(200).isEmpty)
        #expect(session.kcpUpdate(300).isEmpty)
        #expect(session.check(now: 300) == 325)
        #expect(session.kcpUpdate(325).isEmpty)
        #expect(session.check(now: 325) == 325)
        #expect(kcpDecode(session.kcpUpdate(400)).map(\.ts) == [400])
        #expect(session.timeoutRetransmissions == 1)
    }

    // MARK: - Fast retransmission

    /// Sends 20 one-byte segments at t = 0 with nodelay 1, then feeds ACK datagrams for `ackGroups` (one datagram per
    /// group) at t = 1, 2, ..., flushing after each; returns at which datagram (1-based) segment 0 went out again.
    private static func fastResends(resend: Int, fastLimit: Int, ackGroups: [[UInt32]]) throws -> [Int] {
        var configuration = kcpConfiguration(nodelay: 1, interval: 10, resend: resend)
        configuration.fastLimit = fastLimit
        var session = KCPSession(conversation: kcpTestConversation, configuration: configuration)
        for index in 0..<20 { try session.send(ByteBuffer(bytes: [UInt8(index)])) }
        #expect(kcpDecode(session.kcpUpdate(0)).map(\.sn) == Array(0..<20))
        var resentAt: [Int] = []
        for (index, group) in ackGroups.enumerated() {
            let now = UInt32(index + 1)  // before the next interval flush at 10, and long before rto
            _ = session.kcpUpdate(now)
            try session.input(kcpDatagram(group.map { KCPTestSegment.ack(sn: $0, ts: 0) }))
            let pushes = kcpDecode(session.kcpFlush()).filter { $0.command == .push }
            #expect(pushes.allSatisfy { $0.sn == 0 && $0.ts == now })
            if !pushes.isEmpty { resentAt.append(index + 1) }
        }
        #expect(session.timeoutRetransmissions == 0)
        return resentAt
    }

    @Test func fastRetransmitAfterResendSkippedAcknowledgements() throws {
        // resend 2: segment 0 goes again once two ACK datagrams acknowledged something after it. Several ACKs in one
        // datagram count once (ikcp_parse_fastack runs once per ikcp_input, with the largest sn).
        let resent = try Self.fastResends(resend: 2, fastLimit: 5, ackGroups: [[1], [2], [3, 4, 5], [6]])
        #expect(resent == [2, 4])
        // resend 3: three datagrams.
        #expect(try Self.fastResends(resend: 3, fastLimit: 5, ackGroups: [[1], [2], [3], [4]]) == [3])
        // resend 0: never.
        #expect(try Self.fastResends(resend: 0, fastLimit: 5, ackGroups: (1..<19).map { [UInt32($0)] }).isEmpty)
    }

    @Test func fastRetransmitStopsAtFastLimit() throws {
        let pairs = (1..<19).map { [UInt32($0)] }  // 18 datagrams: a fast resend every second one, up to 9
        // fastlimit 5: a fast resend only while xmit <= 5, so the transmissions 2...6 and no more.
        #expect(try Self.fastResends(resend: 2, fastLimit: 5, ackGroups: pairs) == [2, 4, 6, 8, 10])
        #expect(try Self.fastResends(resend: 2, fastLimit: 2, ackGroups: pairs) == [2, 4])
        // fastlimit <= 0: no limit.
        #expect(try Self.fastResends(resend: 2, fastLimit: 0, ackGroups: pairs) == [2, 4, 6, 8, 10, 12, 14, 16, 18])
    }

    // MARK: - Window probing

    @Test func windowProbeBacksOffToTwoMinutes() throws {
        // The peer says its window is shut. The first flush that sees it arms the probe 7 s later; each probe then
        // waits half as long again, up to 120 s: 7000, 10500, 15750, 23625, 35437, 53155, 79732, 119598, 120000, ...
        // (each rounded up to the 100 ms flush).
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        _ = session.kcpUpdate(0)
        try session.input(kcpDatagram(.windowTell(wnd: 0)))
        try session.send(ByteBuffer(string: "hello"))
        var asks: [UInt32] = []
        for now in stride(from: UInt32(100), through: 600_000, by: 100) {
            let segments = kcpDecode(session.kcpUpdate(now))
            #expect(!segments.contains { $0.command == .push }, "nothing is sent into a shut window")
            for segment in segments where segment.command == .windowAsk {
                #expect(segment.header.window == 128 && segment.header.length == 0)
                asks.append(now)
            }
        }
        #expect(asks == [7100, 17600, 33400, 57100, 92600, 145800, 225600, 345200, 465200, 585200])
        #expect(session.waitingToSend == 1)
    }

    @Test func windowReopensAndProbingStops() throws {
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        _ = session.kcpUpdate(0)
        // Any segment carries the window; this ACK's ts is ahead of the clock, so rx_rto stays 200.
        try session.input(kcpDatagram(.ack(sn: 0, ts: 1, wnd: 0)))
        try session.send(ByteBuffer(string: "hello"))
        var log: [(UInt32, KCPSegmentHeader.Command)] = []
        // Until 20,300: the segment, unacknowledged, would be retransmitted at the flush at 20,400.
        for now in stride(from: UInt32(100), through: 20_300, by: 100) {
            log += kcpDecode(session.kcpUpdate(now)).map { (now, $0.command) }
            if now == 20_000 {
                // The peer's window opens (a WINS after it read): the data goes at the next flush.
                try session.input(kcpDatagram(.windowTell(wnd: 128)))
            }
        }
        #expect(log.map(\.0) == [7100, 17600, 20100])
        #expect(log.map(\.1) == [.windowAsk, .windowAsk, .push])
        #expect(session.waitingToSend == 1)  // sent, not acknowledged
    }

    @Test func windowAskIsAnsweredWithWindowTell() throws {
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        _ = session.kcpUpdate(0)
        try session.input(kcpDatagram(.windowAsk()))
        let reply = kcpDecode(session.kcpFlush())
        #expect(reply.map(\.command) == [.windowTell])
        #expect(reply.first?.header == KCPSegmentHeader(kcp: .windowTell, wnd: 128))
        // Once only: the request is cleared by the flush.
        #expect(session.kcpFlush().isEmpty)
        // With three messages waiting unread, the window told is 125; a WASK in the same datagram as the data is
        // answered after the ACKs, with the last ACK's sn and ts (ikcp_flush reuses its segment).
        try session.input(
            kcpDatagram(
                .push(sn: 0, ts: 7, [1]),
                .push(sn: 1, ts: 8, [2]),
                .push(sn: 2, ts: 9, [3]),
                .windowAsk()
            )
        )
        let segments = kcpDecode(session.kcpFlush())
        #expect(segments.map(\.command) == [.ack, .ack, .ack, .windowTell])
        #expect(segments.map(\.sn) == [0, 1, 2, 2])
        #expect(segments.map(\.ts) == [7, 8, 9, 9])
        #expect(segments.allSatisfy { $0.header.window == 125 && $0.header.unacknowledged == 3 })
    }

    // MARK: - Dead link

    /// (nodelay 0 doubles the timeout, so a small dead_link keeps the virtual hours down.)
    @Test(arguments: zip([1, 2, 0], [20, 20, 8]))
    func deadLinkAfterDeadLinkTransmissions(nodelay: Int, deadLink: Int) throws {
        // Interval 5000 so that check() steps in up to 5 s; each instant it names is updated and flushed exactly.
        var configuration = kcpConfiguration(nodelay: nodelay, interval: 5000)
        configuration.deadLink = deadLink
        var session = KCPSession(conversation: kcpTestConversation, configuration: configuration)
        try session.send(ByteBuffer(string: "never acknowledged"))
        var now: UInt32 = 0
        var transmissions = kcpDecode(session.kcpUpdateAndFlush(now)).count
        var steps = 0
        while transmissions < deadLink + 2, steps < 10_000 {
            steps += 1
            let next = session.check(now: now)
            #expect(next > now)
            now = next
            let sent = kcpDecode(session.kcpUpdateAndFlush(now)).filter { $0.command == .push }.count
            #expect(sent <= 1)
            transmissions += sent
            // ikcp.c: state = -1 once a segment has been sent dead_link times; retransmission goes on regardless.
            #expect(session.isDeadLink == (transmissions >= deadLink), "after \(transmissions) transmissions")
        }
        #expect(transmissions == deadLink + 2)
        #expect(session.timeoutRetransmissions == deadLink + 1)
    }

    // MARK: - check()

    @Test func checkValues() throws {
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        // Before the first update: at once.
        #expect(session.check(now: 1234) == 1234)
        _ = session.kcpUpdate(0)
        // The next flush, 100 ms on.
        #expect(session.check(now: 0) == 100)
        #expect(session.check(now: 40) == 100)
        #expect(session.check(now: 100) == 100)
        #expect(session.check(now: 150) == 150)
        // More than 10 s either side of the flush time: at once (ikcp_check resets ts_flush).
        #expect(session.check(now: 10_100) == 10_100)
        #expect(session.check(now: 100 &- 10_001) == 100 &- 10_001)
        // 10,000 ms early: the flush is 10 s away, but check() answers at most one interval on.
        #expect(session.check(now: 100 &- 10_000) == 100 &- 10_000 &+ 100)
        try session.send(ByteBuffer(string: "x"))
        _ = session.kcpUpdate(100)  // sent at 100, due again at 100 + 200 + 25 = 325
        #expect(session.check(now: 100) == 200)
        _ = session.kcpUpdate(200)
        #expect(session.check(now: 250) == 300)
        _ = session.kcpUpdate(300)
        #expect(session.check(now: 300) == 325)
        #expect(session.check(now: 310) == 325)
        #expect(session.check(now: 325) == 325)
        #expect(session.check(now: 330) == 330)
        // A clock that went back: the flush at 1100 is 600 ms away from 500, check() says one interval on.
        var other = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100)
        )
        _ = other.kcpUpdate(1000)
        #expect(other.check(now: 500) == 600)
    }

    // MARK: - Receive window flow control

    @Test func receiverThatDoesNotReadStopsTheSenderAt128Segments() throws {
        var sender = KCPSession(conversation: kcpTestConversation, configuration: .mode(.fast3))
        var receiver = KCPSession(conversation: kcpTestConversation, configuration: .mode(.fast3))
        for index in 0..<200 { try sender.send(kcpPattern(100, seed: index)) }
        var highestSequenceNumber: UInt32 = 0
        var windows: [UInt16] = []
        var asks = 0
        var tells = 0
        var now: UInt32 = 0
        // A zero-latency link, both ways, every 10 ms for 20 s; the receiver does not call receive().
        func exchange(until end: UInt32) throws {
            while now < end {
                now += 10
                for datagram in sender.kcpUpdate(now) {
                    for segment in kcpDecode([datagram]) {
                        if segment.command == .push { highestSequenceNumber = max(highestSequenceNumber, segment.sn) }
                        if segment.command == .windowAsk { asks += 1 }
                    }
                    try receiver.input(datagram)
                }
                for datagram in receiver.kcpUpdate(now) {
                    for segment in kcpDecode([datagram]) {
                        windows.append(segment.header.window)
                        if segment.command == .windowTell { tells += 1 }
                    }
                    try sender.input(datagram)
                }
            }
        }
        try exchange(until: 20_000)
        #expect(highestSequenceNumber == 127)
        #expect(sender.waitingToSend == 72)
        #expect(windows.last == 0)
        #expect(zip(windows, windows.dropFirst()).allSatisfy { $0 >= $1 })
        // The sender probes the shut window after 7 s and 10.5 s more; the receiver tells it is still shut.
        #expect(asks == 2)
        #expect(tells == 2)
        #expect(receiver.nextMessageSize == 100)

        // Reading it all reopens the window: the receiver tells so at once (ikcp_recv's fast recover), and the rest
        // follows.
        let first = receiver.kcpReceiveAll()
        #expect(first.count == 128)
        #expect(first.enumerated().allSatisfy { $0.element == kcpPattern(100, seed: $0.offset) })
        let tellsBefore = tells
        try exchange(until: 20_010)
        #expect(tells == tellsBefore + 1)
        #expect(windows.last == 128)
        try exchange(until: 21_000)
        let rest = receiver.kcpReceiveAll()
        #expect(rest.count == 72)
        #expect(rest.enumerated().allSatisfy { $0.element == kcpPattern(100, seed: 128 + $0.offset) })
        #expect(sender.isIdle)
    }

    // MARK: - Sending

    @Test func messageOfAtMost127Fragments() throws {
        var session = KCPSession(conversation: kcpTestConversation, configuration: .mode(.normal))
        #expect(session.largestMessage == 127 * 1376)
        try session.send(ByteBuffer(repeating: 1, count: 174_752))
        #expect(session.waitingToSend == 127)
        // ikcp_send: count >= IKCP_WND_RCV returns -2.
        #expect(throws: KCPSession.SendError.messageTooLarge(bytes: 174_753, limit: 174_752)) {
            try session.send(ByteBuffer(repeating: 1, count: 174_753))
        }
        #expect(session.waitingToSend == 127)
        // Fragments count down to 0; an empty message is one empty segment, as in ikcp_send.
        var small = KCPSession(conversation: kcpTestConversation, configuration: .mode(.normal))
        try small.send(ByteBuffer(repeating: 2, count: 3000))
        try small.send(ByteBuffer())
        let segments = kcpDecode(small.kcpUpdate(0))
        #expect(segments.map(\.header.fragment) == [2, 1, 0, 0])
        #expect(segments.map(\.payload.readableBytes) == [1376, 1376, 248, 0])
    }

    @Test func congestionWindowStartsAtOneSegment() throws {
        // With the congestion window on (nc 0), ikcp_flush computes the window before raising cwnd from 0 to 1:
        // the first flush sends nothing, the second one segment; an ACK that moves una grows cwnd to 2.
        var session = KCPSession(
            conversation: kcpTestConversation,
            configuration: kcpConfiguration(nodelay: 0, interval: 100, noCongestionWindow: false)
        )
        for index in 0..<4 { try session.send(ByteBuffer(bytes: [UInt8(index)])) }
        #expect(session.kcpUpdate(0).isEmpty)
        #expect(kcpDecode(session.kcpUpdate(100)).map(\.sn) == [0])
        _ = session.kcpUpdate(150)
        try session.input(kcpDatagram(.ack(sn: 0, ts: 100, una: 0)))
        #expect(kcpDecode(session.kcpUpdate(200)).map(\.sn) == [1, 2])
    }
}
