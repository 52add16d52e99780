import GamenetCore
import GamenetTestSupport
import NIOCore
import Testing

/// Sends a numbered datagram every `interval` until `count` are sent: an 8-byte sequence number, the send time in
/// nanoseconds, then padding to `size` bytes.
private struct SequenceSender: VirtualEndpoint {
    var interval: TimeAmount
    var count: Int
    var size = 64
    var sent = 0
    var nextSend: NIODeadline
    /// Datagrams that came back (from an echo), with their arrival times.
    var echoes: [(sequence: UInt64, sentAt: NIODeadline, arrival: NIODeadline)] = []

    init(interval: TimeAmount, count: Int, start: NIODeadline = .uptimeNanoseconds(0)) {
        self.interval = interval
        self.count = count
        self.nextSend = start
    }

    mutating func receive(_ datagram: ByteBuffer, now: NIODeadline) {
        guard let header = SequenceHeader(datagram) else { return }
        self.echoes.append((header.sequence, header.sentAt, now))
    }

    mutating func transmit(now: NIODeadline) -> [ByteBuffer] {
        var datagrams: [ByteBuffer] = []
        while self.sent < self.count, self.nextSend <= now {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(self.size)
            buffer.writeMultipleIntegers(UInt64(self.sent), UInt64(self.nextSend.uptimeNanoseconds))
            if self.size > 16 {
                buffer.writeRepeatingByte(UInt8(truncatingIfNeeded: self.sent), count: self.size - 16)
            }
            datagrams.append(buffer)
            self.sent += 1
            self.nextSend = self.nextSend + self.interval
        }
        return datagrams
    }

    func nextWakeUp(now: NIODeadline) -> NIODeadline? {
        self.sent < self.count ? self.nextSend : nil
    }
}

private struct SequenceHeader {
    var sequence: UInt64
    var sentAt: NIODeadline

    init?(_ datagram: ByteBuffer) {
        guard let sequence = datagram.getInteger(at: datagram.readerIndex, as: UInt64.self),
            let sentAt = datagram.getInteger(at: datagram.readerIndex + 8, as: UInt64.self)
        else { return nil }
        self.sequence = sequence
        self.sentAt = .uptimeNanoseconds(sentAt)
    }
}

/// Records what arrives; with `echoes` set, sends each datagram straight back.
private struct Receiver: VirtualEndpoint {
    var echoes = false
    var arrivals: [(datagram: ByteBuffer, arrival: NIODeadline)] = []
    private var pending: [ByteBuffer] = []

    init(echoes: Bool = false) {
        self.echoes = echoes
    }

    mutating func receive(_ datagram: ByteBuffer, now: NIODeadline) {
        self.arrivals.append((datagram, now))
        if self.echoes { self.pending.append(datagram) }
    }

    mutating func transmit(now: NIODeadline) -> [ByteBuffer] {
        guard !self.pending.isEmpty else { return [] }
        defer { self.pending = [] }
        return self.pending
    }

    func nextWakeUp(now: NIODeadline) -> NIODeadline? {
        self.pending.isEmpty ? nil : now
    }

    var sequences: [UInt64] { self.arrivals.compactMap { SequenceHeader($0.datagram)?.sequence } }
}

/// The discrete-event link in virtual time.
@Suite struct VirtualLinkTests {
    private static let start = NIODeadline.uptimeNanoseconds(0)

    @Test func cleanLinkDeliversEverythingAtOnce() {
        var link = VirtualLink(a: SequenceSender(interval: .milliseconds(10), count: 100), b: Receiver(), seed: 1)
        let reason = link.run(until: Self.start + .seconds(2))
        #expect(reason == .idle)
        #expect(link.now == Self.start + .seconds(2))
        #expect(link.b.sequences == Array(0..<100))
        #expect(link.b.arrivals.allSatisfy { SequenceHeader($0.datagram)!.sentAt == $0.arrival })
        #expect(link.delivered(.aToB) == 100)
        #expect(link.counters(.aToB).received == 100)
        #expect(link.counters(.bToA).received == 0)
    }

    @Test func lossyDelayedLinkInVirtualTime() throws {
        let spec = try ImpairmentSpec(parsing: "delay 50ms 10ms loss 10%")
        var link = VirtualLink(
            a: SequenceSender(interval: .milliseconds(10), count: 1000),
            b: Receiver(),
            aToB: spec,
            seed: 7
        )
        // Sending takes 10 s; stop half-way first and check the clock and what is in flight.
        #expect(link.run(until: Self.start + .seconds(5)) == .deadline)
        #expect(link.now == Self.start + .seconds(5))
        #expect(link.a.sent == 501)  // 0 ms, 10 ms, …, 5,000 ms inclusive
        #expect(link.inFlightCount > 0)
        #expect(link.run(until: Self.start + .seconds(20)) == .idle)
        let counters = link.counters(.aToB)
        #expect(counters.received == 1000)
        #expect(link.delivered(.aToB) == counters.passed)
        #expect(link.b.arrivals.count == counters.passed)
        #expect(link.inFlightCount == 0)
        // Pinned for seed 7: 10 % loss of 1,000 (sigma 9.5).
        #expect(counters.droppedByLoss == 110)
        // In order (jitter clumps, never reorders), each within delay ± jitter of its send time.
        let sequences = link.b.sequences
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 })
        let delays = link.b.arrivals.map { $0.arrival - SequenceHeader($0.datagram)!.sentAt }
        #expect(delays.allSatisfy { $0 >= .milliseconds(40) && $0 <= .milliseconds(60) })
        let meanMilliseconds = Double(delays.map(\.nanoseconds).reduce(0, +)) / Double(delays.count) / 1e6
        #expect(meanMilliseconds > 49 && meanMilliseconds < 52)
    }

    @Test func sameSeedSameRun() throws {
        func run(seed: UInt64) throws -> [UInt64] {
            var link = VirtualLink(
                a: SequenceSender(interval: .milliseconds(1), count: 2000),
                b: Receiver(),
                aToB: try ImpairmentSpec(parsing: "delay 20ms 15ms jitter-reorders loss 20% duplicate 5%"),
                seed: seed
            )
            link.run(until: Self.start + .seconds(5))
            return link.b.sequences
        }
        #expect(try run(seed: 7) == run(seed: 7))
        #expect(try run(seed: 7) != run(seed: 8))
    }

    @Test func echoRoundTripAddsBothDirections() throws {
        var link = VirtualLink(
            a: SequenceSender(interval: .milliseconds(100), count: 50),
            b: Receiver(echoes: true),
            aToB: try ImpairmentSpec(parsing: "delay 30ms"),
            bToA: try ImpairmentSpec(parsing: "delay 20ms loss 50%"),
            seed: 3
        )
        #expect(link.run(until: Self.start + .seconds(10)) == .idle)
        #expect(link.b.arrivals.count == 50)
        #expect(link.delivered(.bToA) == link.counters(.bToA).passed)
        #expect(link.a.echoes.count == link.counters(.bToA).passed)
        #expect(link.a.echoes.count > 10 && link.a.echoes.count < 40)
        #expect(link.a.echoes.allSatisfy { $0.arrival - $0.sentAt == .milliseconds(50) })
    }

    @Test func corruptionFlipsExactlyOneBit() throws {
        var link = VirtualLink(
            a: SequenceSender(interval: .milliseconds(1), count: 500),
            b: Receiver(),
            aToB: try ImpairmentSpec(parsing: "corrupt 100%"),
            seed: 5
        )
        link.run(until: Self.start + .seconds(1))
        #expect(link.b.arrivals.count == 500)
        #expect(link.counters(.aToB).corrupted == 500)
        // Rebuild what was sent (the sender's datagrams are a function of their index) and compare bit by bit.
        var reference = SequenceSender(interval: .milliseconds(1), count: 500)
        let sent = reference.transmit(now: Self.start + .seconds(1))
        var flippedBits = Set<Int>()
        for (index, arrival) in link.b.arrivals.enumerated() {
            let original = Array(sent[index].readableBytesView)
            let received = Array(arrival.datagram.readableBytesView)
            #expect(original.count == received.count)
            let differing = zip(original, received).enumerated().filter { $0.element.0 != $0.element.1 }
            let bits = differing.map { ($0.element.0 ^ $0.element.1).nonzeroBitCount }.reduce(0, +)
            if bits != 1 {
                Issue.record("datagram \(index): \(bits) bits differ")
                break
            }
            let byte = differing[0].offset
            let mask = differing[0].element.0 ^ differing[0].element.1
            flippedBits.insert(byte * 8 + mask.leadingZeroBitCount)
        }
        // The flipped positions spread over the 512 bits of the datagrams.
        #expect(flippedBits.count > 300)
    }

    @Test func duplicatesArriveTwice() throws {
        var link = VirtualLink(
            a: SequenceSender(interval: .milliseconds(10), count: 20),
            b: Receiver(),
            aToB: try ImpairmentSpec(parsing: "delay 5ms duplicate 100% 2ms"),
            seed: 5
        )
        link.run(until: Self.start + .seconds(1))
        #expect(link.b.arrivals.count == 40)
        #expect(link.delivered(.aToB) == 40)
        #expect(link.b.sequences == (0..<20).flatMap { [UInt64($0), UInt64($0)] })
        let times = link.b.arrivals.map(\.arrival)
        #expect(times[0] == Self.start + .milliseconds(5) && times[1] == Self.start + .milliseconds(7))
    }

    @Test func updateDegradesTheLinkMidRun() throws {
        var link = VirtualLink(
            a: SequenceSender(interval: .milliseconds(10), count: 300),
            b: Receiver(),
            seed: 9
        )
        link.run(until: Self.start + .milliseconds(995))
        #expect(link.b.arrivals.count == 100)
        link.update(.aToB, to: try ImpairmentSpec(parsing: "loss 100%"))
        #expect(link.spec(.aToB).loss == .random(probability: 1, correlation: 0))
        link.run(until: Self.start + .milliseconds(1995))
        #expect(link.b.arrivals.count == 100)
        link.update(.aToB, to: ImpairmentSpec())
        link.run(until: Self.start + .seconds(4))
        #expect(link.b.arrivals.count == 200)
        #expect(link.counters(.aToB).droppedByLoss == 100)
    }

    @Test func runWhileStopsWhenTheConditionFails() throws {
        var link = VirtualLink(
            a: SequenceSender(interval: .milliseconds(10), count: 1000),
            b: Receiver(),
            aToB: try ImpairmentSpec(parsing: "delay 25ms"),
            seed: 1
        )
        let reason = link.run(until: Self.start + .seconds(60)) { $0.b.arrivals.count < 10 }
        #expect(reason == .conditionFailed)
        #expect(link.b.arrivals.count == 10)
        // The tenth datagram was sent at 90 ms and arrives at 115 ms: the clock stops there.
        #expect(link.now == Self.start + .milliseconds(115))
        // A condition false from the start takes no step.
        let steps = link.steps
        #expect(link.run(until: Self.start + .seconds(60)) { _ in false } == .conditionFailed)
        #expect(link.steps == steps)
    }

    @Test func stepLimitEndsAZeroDelayPingPong() {
        // Two echoes bouncing one datagram with no delay never let the clock move.
        var link = VirtualLink(a: Receiver(echoes: true), b: Receiver(echoes: true), seed: 1, stepLimit: 1000)
        link.a.receive(ByteBuffer(string: "ping"), now: Self.start)
        let reason = link.run(until: Self.start + .seconds(1))
        #expect(reason == .stepLimit)
        #expect(link.now == Self.start)
        #expect(link.steps == 1000)
        #expect(link.delivered(.aToB) + link.delivered(.bToA) >= 998)
    }

    @Test func deadlineInThePastDoesNothing() {
        var link = VirtualLink(a: SequenceSender(interval: .milliseconds(10), count: 10), b: Receiver(), seed: 1)
        link.run(until: Self.start + .milliseconds(50))
        let steps = link.steps
        #expect(link.run(until: Self.start + .milliseconds(10)) == .deadline)
        #expect(link.steps == steps)
        #expect(link.now == Self.start + .milliseconds(50))
    }

    @Test func tenVirtualMinutesTakeWellUnderASecond() throws {
        // A 50 Hz game tick for 10 minutes: 30,000 datagrams through a lossy, jittery, rate-limited link, echoed
        // back through a lossy, reordering one.
        var sender = SequenceSender(interval: .milliseconds(20), count: 30_000)
        sender.size = 16
        var link = VirtualLink(
            a: sender,
            b: Receiver(echoes: true),
            aToB: try ImpairmentSpec(parsing: "delay 40ms 10ms loss 5% rate 1mbit"),
            bToA: try ImpairmentSpec(parsing: "delay 40ms 10ms loss 5% reorder 5%"),
            seed: 7
        )
        let clock = ContinuousClock()
        let began = clock.now
        let reason = link.run(for: .minutes(10) + .seconds(1))
        let elapsed = clock.now - began
        #expect(reason == .idle)
        #expect(link.now == Self.start + .minutes(10) + .seconds(1))
        #expect(link.a.sent == 30_000)
        #expect(link.b.arrivals.count == link.counters(.aToB).passed)
        #expect(link.a.echoes.count == link.counters(.bToA).passed)
        #expect(link.a.echoes.count > 25_000)
        // Round trips: 40 ± 10 ms each way, plus 10 ms for an echo held back to be reordered.
        let roundTrips = link.a.echoes.map { $0.arrival - $0.sentAt }
        #expect(roundTrips.allSatisfy { $0 >= .milliseconds(60) && $0 <= .milliseconds(110) })
        #expect(roundTrips.contains { $0 > .milliseconds(100) })
        // A third of a second alone; the bound leaves room for a debug build sharing two cores with other tests.
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }
}
