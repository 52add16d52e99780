import GamenetCore
import GamenetTestSupport
import NIOCore
import Testing

/// A `KCPSession` as a ``VirtualEndpoint``: it sends a numbered list of messages (keeping two windows' worth queued,
/// as an application that watches `waitingToSend` would) and checks what it receives against the list its peer
/// sends, on the fly, so that nothing but counters is kept.
///
/// The virtual clock becomes KCP's 32-bit millisecond clock by truncation. The endpoint asks to be woken at
/// `check()`, but at least 1 ms on: ikcp_check answers "now" for a segment due before the next flush, which
/// ikcp_update only sends at that flush, and the link would otherwise poll again at the same instant.
struct KCPVirtualEndpoint: VirtualEndpoint {
    var session: KCPSession
    /// The sizes of the messages this endpoint sends.
    let outgoing: [Int]
    /// The sizes of the messages the peer sends, in order.
    let incoming: [Int]
    var nextToSend = 0
    /// Whole messages received, each as expected and in its place.
    var received = 0
    /// Messages that were not the next one expected (wrong size or bytes, or one too many).
    var unexpected = 0
    var inputErrors = 0

    init(configuration: KCPConfiguration, outgoing: [Int], incoming: [Int]) {
        self.session = KCPSession(conversation: kcpTestConversation, configuration: configuration)
        self.outgoing = outgoing
        self.incoming = incoming
    }

    static func milliseconds(_ deadline: NIODeadline) -> UInt64 { deadline.uptimeNanoseconds / 1_000_000 }

    /// Message `index` of `size` bytes: a fill of the index, a byte per 1000-byte block that tells the blocks apart
    /// (so a fragment out of place or twice shows), and the index in the first four bytes.
    static func message(_ index: Int, size: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeRepeatingByte(UInt8(truncatingIfNeeded: index), count: size)
        for block in stride(from: 0, to: size, by: 1000) {
            buffer.setInteger(UInt8(truncatingIfNeeded: block / 1000 &+ index &* 7 &+ 1), at: block)
        }
        if size >= 4 { buffer.setInteger(UInt32(index), at: 0) }
        return buffer
    }

    /// Everything sent has been acknowledged and everything expected has arrived.
    var isDone: Bool {
        self.received == self.incoming.count && self.nextToSend == self.outgoing.count && self.session.isIdle
    }

    mutating func receive(_ datagram: ByteBuffer, now: NIODeadline) {
        do {
            try self.session.input(datagram)
        } catch {
            self.inputErrors += 1
        }
        self.takeMessages()
    }

    mutating func transmit(now: NIODeadline) -> [ByteBuffer] {
        let window = self.session.configuration.sendWindow
        while self.nextToSend < self.outgoing.count, self.session.waitingToSend < 2 * window {
            let size = self.outgoing[self.nextToSend]
            do {
                try self.session.send(Self.message(self.nextToSend, size: size))
            } catch {
                Issue.record("send refused message \(self.nextToSend) of \(size) bytes: \(error)")
            }
            self.nextToSend += 1
        }
        var datagrams: [ByteBuffer] = []
        self.session.update(now: UInt32(truncatingIfNeeded: Self.milliseconds(now))) { datagrams.append($0) }
        self.takeMessages()
        return datagrams
    }

    func nextWakeUp(now: NIODeadline) -> NIODeadline? {
        let milliseconds = Self.milliseconds(now)
        let clock = UInt32(truncatingIfNeeded: milliseconds)
        let wait = UInt64(max(1, Int32(bitPattern: self.session.check(now: clock) &- clock)))
        return .uptimeNanoseconds((milliseconds + wait) * 1_000_000)
    }

    private mutating func takeMessages() {
        while let message = self.session.receive() {
            guard self.received < self.incoming.count else {
                self.unexpected += 1
                continue
            }
            if message == Self.message(self.received, size: self.incoming[self.received]) {
                self.received += 1
            } else {
                self.unexpected += 1
            }
        }
    }
}

/// KCP end to end through the shaper, in virtual time: every message arrives whole, in order and once, whatever the
/// mode and the loss.
@Suite struct KCPVirtualLinkTests {
    /// Sizes from 1 byte to 100 KB, game traffic with the odd bulk transfer: 65 % up to 64 bytes, 29 % up to one
    /// segment, 5.5 % up to 8 KB (2 to 6 fragments), 0.5 % up to 100 KB (up to 73 fragments); the first message is
    /// 1 byte and the second 100,000.
    static func sizes(count: Int, seed: UInt64) -> [Int] {
        var random = SplitMix64(seed: seed)
        var sizes = [1, 100_000]
        while sizes.count < count {
            let range: ClosedRange<Int> =
                switch random.next() % 1000 {
                case ..<650: 1...64
                case ..<940: 65...1376
                case ..<995: 1377...8000
                default: 8001...100_000
                }
            sizes.append(Int.random(in: range, using: &random))
        }
        return Array(sizes.prefix(count))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var mode: KCPConfiguration.Mode
        var loss: Int
        var messages: Int
        var testDescription: String { "\(self.mode) at \(self.loss) % loss, \(self.messages) messages" }

        /// Delay with jitter that reorders, loss, duplication and reordering, both ways.
        var spec: String {
            let loss = self.loss > 0 ? " loss \(self.loss)%" : ""
            return "delay 20ms 5ms jitter-reorders\(loss) duplicate 2% reorder 5% 10ms"
        }
    }

    /// 10,000 messages at 0 %, 10 % and 30 % loss for every mode.
    static let cases: [Case] = [KCPConfiguration.Mode.normal, .fast, .fast2, .fast3].flatMap { mode in
        [
            Case(mode: mode, loss: 0, messages: 10_000),
            Case(mode: mode, loss: 10, messages: 10_000),
            Case(mode: mode, loss: 30, messages: 10_000),
        ]
    }

    @Test(arguments: cases)
    func everyMessageArrivesWholeInOrderOnce(_ testCase: Case) throws {
        let spec = try ImpairmentSpec(parsing: testCase.spec)
        let forward = Self.sizes(count: testCase.messages, seed: 42)
        // The other way, a trickle of small messages, so that data and ACKs share datagrams both ways.
        let backward = Self.sizes(count: testCase.messages / 20, seed: 43).map { min($0, 200) }
        let configuration = KCPConfiguration.mode(testCase.mode)
        var link = VirtualLink(
            a: KCPVirtualEndpoint(configuration: configuration, outgoing: forward, incoming: backward),
            b: KCPVirtualEndpoint(configuration: configuration, outgoing: backward, incoming: forward),
            aToB: spec,
            bToA: spec,
            seed: 1,
            stepLimit: 200_000
        )
        let reason = link.run(until: .uptimeNanoseconds(0) + .hours(4)) { !($0.a.isDone && $0.b.isDone) }
        #expect(reason == .conditionFailed, "\(link.b.received) of \(forward.count) arrived by \(link.now)")
        // Five seconds more: nothing else arrives (no duplicate, nothing bogus).
        link.run(for: .seconds(5))
        for endpoint in [link.a, link.b] {
            #expect(endpoint.unexpected == 0)
            #expect(endpoint.inputErrors == 0)
        }
        #expect(link.b.received == forward.count)
        #expect(link.a.received == backward.count)
        #expect(link.a.session.isIdle && link.b.session.isIdle)
        #expect(link.steps < 100_000)
        // The link did what the spec says, both ways.
        for direction in VirtualLink<KCPVirtualEndpoint, KCPVirtualEndpoint>.Direction.allCases {
            let counters = link.counters(direction)
            #expect((counters.droppedByLoss > 0) == (testCase.loss > 0))
            #expect(counters.duplicated > 0)
            #expect(counters.reordered > 0)
        }
        if testCase.loss > 0 {
            #expect(link.a.session.timeoutRetransmissions > 0)
        }
    }
}
