import NIOCore

/// Two ``VirtualEndpoint``s joined by a shaped link, run in virtual time: a discrete-event simulator for end-to-end
/// tests of KCP, FEC or any other sans-IO protocol.
///
/// Each direction has its own seeded ``Impairment``, so every datagram is dropped, delayed, duplicated, corrupted or
/// reordered exactly as the shaper would do it, and the same seed gives the same run every time. Datagrams in flight
/// wait in a ``ReleaseQueue``. Nothing sleeps: the clock jumps straight to the next event, the earliest of the
/// endpoints' wake-ups and the next delivery, so ten virtual minutes of a 50 Hz exchange take a fraction of a second,
/// even in a debug build.
///
/// One step at time `now`:
/// 1. every datagram due at `now` is handed to its endpoint, in release order (ties in the order they were sent);
/// 2. `a`, then `b`, is asked for the datagrams it sends at `now`; each goes through its direction's impairment and,
///    unless dropped, joins the datagrams in flight (a corrupted one with its bit flipped, a duplicated one twice);
/// 3. the clock moves to the next event.
///
/// ```swift
/// let spec = try ImpairmentSpec(parsing: "delay 50ms 10ms loss 20%")
/// var link = VirtualLink(a: sender, b: receiver, aToB: spec, bToA: spec, seed: 7)
/// #expect(link.run(for: .seconds(60)) == .idle)                 // everything sent has arrived or been dropped
/// #expect(link.delivered(.aToB) == link.counters(.aToB).passed)
/// ```
///
/// Every run takes at most ``stepLimit`` steps, so a pair of endpoints that never stops (two echoes bouncing a
/// datagram with no delay, or an endpoint that keeps asking for a wake-up at `now`) ends the run with
/// ``StopReason/stepLimit`` instead of hanging the test.
package struct VirtualLink<A: VirtualEndpoint, B: VirtualEndpoint> {
    /// One way through the link.
    package enum Direction: Hashable, Sendable, CaseIterable {
        /// From endpoint `a` to endpoint `b`.
        case aToB
        /// From endpoint `b` to endpoint `a`.
        case bToA
    }

    /// Why a run returned.
    package enum StopReason: Hashable, Sendable {
        /// The clock reached the deadline; the next event, if any, is later.
        case deadline
        /// Nothing can happen any more: no datagram is in flight and neither endpoint wants a wake-up. The clock has
        /// moved to the deadline, as if the run had waited for it.
        case idle
        /// The `while` condition became false; the clock is at the event that made it so.
        case conditionFailed
        /// The run took ``VirtualLink/stepLimit`` steps; the clock is at the last event processed.
        case stepLimit
    }

    private struct InFlight {
        var direction: Direction
        var datagram: ByteBuffer
    }

    /// The endpoint at one end; a test may call into it between runs (to queue data to send, say).
    package var a: A
    /// The endpoint at the other end.
    package var b: B
    /// The virtual time of the last event.
    package private(set) var now: NIODeadline
    /// The most steps one call to `run` may take before it gives up with ``StopReason/stepLimit``.
    package var stepLimit: Int
    /// Steps taken over the link's life.
    package private(set) var steps = 0

    private var aToB: Impairment
    private var bToA: Impairment
    private var inFlight = ReleaseQueue<InFlight>()
    private var deliveredAToB = 0
    private var deliveredBToA = 0

    /// Joins `a` and `b` with one impairment per direction.
    ///
    /// - Parameters:
    ///   - a: one endpoint.
    ///   - b: the other endpoint.
    ///   - aToB: what happens to datagrams from `a` to `b`; nothing by default.
    ///   - bToA: what happens to datagrams from `b` to `a`; nothing by default.
    ///   - seed: the seed both directions' random decisions derive from.
    ///   - start: the virtual time the link starts at, which outages and waves are measured from.
    ///   - stepLimit: the most steps one run may take.
    package init(
        a: A,
        b: B,
        aToB: ImpairmentSpec = ImpairmentSpec(),
        bToA: ImpairmentSpec = ImpairmentSpec(),
        seed: UInt64,
        start: NIODeadline = .uptimeNanoseconds(0),
        stepLimit: Int = 10_000_000
    ) {
        // Two independent streams, so a change to one direction's spec leaves the other's decisions alone.
        var seeds = SplitMix64(seed: seed)
        self.init(
            a: a,
            b: b,
            aToB: Impairment(spec: aToB, start: start, seed: seeds.next()),
            bToA: Impairment(spec: bToA, start: start, seed: seeds.next()),
            stepLimit: stepLimit
        )
    }

    /// Joins `a` and `b` with ready-made impairments; the clock starts at `aToB`'s start.
    ///
    /// - Parameters:
    ///   - a: one endpoint.
    ///   - b: the other endpoint.
    ///   - aToB: the model of the direction from `a` to `b`.
    ///   - bToA: the model of the direction from `b` to `a`.
    ///   - stepLimit: the most steps one run may take.
    package init(a: A, b: B, aToB: Impairment, bToA: Impairment, stepLimit: Int = 10_000_000) {
        self.a = a
        self.b = b
        self.aToB = aToB
        self.bToA = bToA
        self.now = aToB.start
        self.stepLimit = stepLimit
    }

    // MARK: - Observing

    /// What the impairment of `direction` has done so far.
    package func counters(_ direction: Direction) -> ImpairmentCounters {
        switch direction {
        case .aToB: return self.aToB.counters
        case .bToA: return self.bToA.counters
        }
    }

    /// The spec in force in `direction`.
    package func spec(_ direction: Direction) -> ImpairmentSpec {
        switch direction {
        case .aToB: return self.aToB.spec
        case .bToA: return self.bToA.spec
        }
    }

    /// Datagrams handed to the receiving endpoint of `direction`, duplicates included.
    package func delivered(_ direction: Direction) -> Int {
        switch direction {
        case .aToB: return self.deliveredAToB
        case .bToA: return self.deliveredBToA
        }
    }

    /// Datagrams on their way, in both directions.
    package var inFlightCount: Int { self.inFlight.count }

    /// The time of the next event: the earliest of the endpoints' wake-ups and the next delivery; `nil` if none.
    package func nextEvent() -> NIODeadline? {
        var next = self.inFlight.nextRelease
        if let wakeUp = self.a.nextWakeUp(now: self.now) {
            next = min(next ?? wakeUp, wakeUp)
        }
        if let wakeUp = self.b.nextWakeUp(now: self.now) {
            next = min(next ?? wakeUp, wakeUp)
        }
        return next
    }

    // MARK: - Changing the link

    /// Replaces the spec of `direction` from now on (a link that degrades mid-run), keeping its random sequence.
    package mutating func update(_ direction: Direction, to spec: ImpairmentSpec) {
        switch direction {
        case .aToB: self.aToB.update(spec)
        case .bToA: self.bToA.update(spec)
        }
    }

    // MARK: - Running

    /// Runs until the virtual clock reaches `deadline`.
    ///
    /// - Returns: ``StopReason/deadline`` or ``StopReason/idle``, both with the clock at `deadline`, or
    ///   ``StopReason/stepLimit``.
    @discardableResult
    package mutating func run(until deadline: NIODeadline) -> StopReason {
        self.run(until: deadline, condition: nil)
    }

    /// Runs for `duration` of virtual time from ``now``.
    @discardableResult
    package mutating func run(for duration: TimeAmount) -> StopReason {
        self.run(until: self.now + duration)
    }

    /// Runs while `shouldContinue` holds, checked before the first step and after each one, but not past
    /// `deadline`, which bounds the virtual time a condition that never fails may take.
    ///
    /// - Parameters:
    ///   - deadline: the latest virtual time to run to.
    ///   - shouldContinue: whether to go on, given the link after a step (`{ $0.b.received.count < 1000 }`).
    /// - Returns: why the run stopped; see ``StopReason``.
    @discardableResult
    package mutating func run(until deadline: NIODeadline, while shouldContinue: (Self) -> Bool) -> StopReason {
        withoutActuallyEscaping(shouldContinue) { self.run(until: deadline, condition: $0) }
    }

    /// The event loop of both runs; `shouldContinue` is `nil` for a plain run, which then skips the calls.
    private mutating func run(until deadline: NIODeadline, condition shouldContinue: ((Self) -> Bool)?) -> StopReason {
        if let shouldContinue, !shouldContinue(self) { return .conditionFailed }
        guard deadline >= self.now else { return .deadline }
        var remaining = self.stepLimit
        while true {
            guard remaining > 0 else { return .stepLimit }
            remaining -= 1
            self.step()
            if let shouldContinue, !shouldContinue(self) { return .conditionFailed }
            guard let next = self.nextEvent() else {
                self.now = deadline
                return .idle
            }
            guard next <= deadline else {
                self.now = deadline
                return .deadline
            }
            // A wake-up in the past means "at once"; the clock never goes back.
            self.now = max(self.now, next)
        }
    }

    /// Delivers what is due now, then polls both endpoints and puts what they send on the link.
    private mutating func step() {
        self.steps += 1
        while let item = self.inFlight.popDue(now: self.now) {
            switch item.direction {
            case .aToB:
                self.deliveredAToB += 1
                self.b.receive(item.datagram, now: self.now)
            case .bToA:
                self.deliveredBToA += 1
                self.a.receive(item.datagram, now: self.now)
            }
        }
        for datagram in self.a.transmit(now: self.now) {
            self.send(datagram, .aToB)
        }
        for datagram in self.b.transmit(now: self.now) {
            self.send(datagram, .bToA)
        }
    }

    /// Applies the impairment of `direction` to `datagram` sent now, and queues what survives.
    private mutating func send(_ datagram: ByteBuffer, _ direction: Direction) {
        let size = datagram.readableBytes
        let fate: PacketFate
        switch direction {
        case .aToB: fate = self.aToB.decide(size: size, now: self.now)
        case .bToA: fate = self.bToA.decide(size: size, now: self.now)
        }
        guard let release = fate.release else { return }
        var datagram = datagram
        if let bit = fate.corruptedBit {
            Self.flipBit(bit, of: &datagram)
        }
        self.inFlight.insert(InFlight(direction: direction, datagram: datagram), release: release)
        // As the runtime shaper does, the copy carries the same corruption as the original.
        if let copyRelease = fate.duplicateRelease {
            self.inFlight.insert(InFlight(direction: direction, datagram: datagram), release: copyRelease)
        }
    }

    /// Flips bit `bit` of the readable bytes, counted from the most significant bit of the first byte (as
    /// ``PacketFate/corruptedBit`` counts).
    private static func flipBit(_ bit: Int, of datagram: inout ByteBuffer) {
        let index = datagram.readerIndex + bit / 8
        guard let byte = datagram.getInteger(at: index, as: UInt8.self) else { return }
        datagram.setInteger(byte ^ (0x80 >> UInt8(bit % 8)), at: index)
    }
}
