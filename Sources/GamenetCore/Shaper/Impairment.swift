import NIOCore

/// The shaper's model of one direction of a link: given a packet's size and arrival time, it decides whether the
/// packet is dropped and when it (and a possible copy) is released.
///
/// A pure state machine: time comes in as `now`, randomness from a seeded ``SplitMix64``, so the same seed and the
/// same arrivals give the same decisions on every run. The steps, in order, are those of a real path:
/// 1. an outage drops everything;
/// 2. the loss model drops the packet;
/// 3. the rate limiter queues it (or tail-drops it when its queue is full);
/// 4. the delay (base, jitter, wave) and a possible reordering hold it back;
/// 5. duplication and corruption mark it.
/// Unless jitter may reorder, no packet is released before the one that arrived ahead of it: jitter clumps packets
/// instead. A packet picked for reordering is the exception, which is its purpose.
package struct Impairment: Sendable {
    /// What the shaped traffic is.
    package enum Mode: Hashable, Sendable {
        /// Separate datagrams: every impairment applies.
        case datagrams
        /// A byte stream (TCP), whose bytes a shaper must not lose, copy, alter or reorder: only delay, jitter
        /// (clumping), waves and the rate apply; an outage holds data until it ends, and the rate limiter queues
        /// without a limit, since the stream's own backpressure bounds it.
        case stream
    }

    package let mode: Mode
    package private(set) var spec: ImpairmentSpec
    package private(set) var counters = ImpairmentCounters()
    /// The time the model started, which outages and waves are measured from.
    package let start: NIODeadline

    private var generator: SplitMix64
    private var loss = LossProcess()
    private var jitterRandom: CorrelatedRandom
    private var duplicateRandom: CorrelatedRandom
    private var reorderRandom: CorrelatedRandom
    private var corruptRandom: CorrelatedRandom
    private var bucket: TokenBucket?
    /// The latest release of an in-order packet, which the next one may not precede.
    private var lastRelease: NIODeadline
    /// Packets kept in order since the last one reordered, for netem's `gap`.
    private var packetsSinceReorder = 0

    /// - Parameters:
    ///   - spec: what to do to packets.
    ///   - start: the time the link starts, for outages and waves.
    ///   - seed: the seed of every random decision.
    package init(spec: ImpairmentSpec, start: NIODeadline, seed: UInt64, mode: Mode = .datagrams) {
        self.mode = mode
        let spec = Self.applicable(spec, mode: mode)
        self.spec = spec
        self.start = start
        self.generator = SplitMix64(seed: seed)
        self.jitterRandom = CorrelatedRandom(correlation: spec.delayCorrelation)
        self.duplicateRandom = CorrelatedRandom(correlation: spec.duplicateCorrelation)
        self.reorderRandom = CorrelatedRandom(correlation: spec.reorderCorrelation)
        self.corruptRandom = CorrelatedRandom(correlation: spec.corruptCorrelation)
        self.lastRelease = start
        self.bucket = Self.makeBucket(spec)
    }

    /// Replaces the spec from now on, keeping the counters, the random sequence and the order of releases.
    package mutating func update(_ spec: ImpairmentSpec) {
        let spec = Self.applicable(spec, mode: self.mode)
        let rateChanged =
            spec.rate != self.spec.rate || spec.effectiveBurst != self.spec.effectiveBurst
            || spec.effectiveQueueLimit != self.spec.effectiveQueueLimit
        self.spec = spec
        self.jitterRandom.correlation = spec.delayCorrelation
        self.duplicateRandom.correlation = spec.duplicateCorrelation
        self.reorderRandom.correlation = spec.reorderCorrelation
        self.corruptRandom.correlation = spec.corruptCorrelation
        if rateChanged {
            self.bucket = Self.makeBucket(spec)
        }
    }

    /// Sets every counter back to zero.
    package mutating func resetCounters() {
        self.counters = ImpairmentCounters()
    }

    /// Decides the fate of a packet of `size` bytes arriving at `now`.
    package mutating func decide(size: Int, now: NIODeadline) -> PacketFate {
        self.counters.received += 1
        let elapsed = (now - self.start).nanoseconds

        var arrival = now
        for outage in self.spec.outages {
            guard let end = outage.end(after: elapsed) else { continue }
            if self.mode == .stream {
                // A stream's bytes wait for the link to come back.
                arrival = max(arrival, self.start + .nanoseconds(end))
            } else {
                self.counters.droppedByOutage += 1
                return .dropped(.outage)
            }
        }
        if self.loss.isLost(self.spec.loss, using: &self.generator) {
            self.counters.droppedByLoss += 1
            return .dropped(.loss)
        }

        var departure = arrival
        if self.bucket != nil {
            guard let leaves = self.bucket!.departure(size: size, now: arrival) else {
                self.counters.droppedByQueue += 1
                return .dropped(.queueFull)
            }
            if leaves > arrival {
                self.counters.queued += 1
                self.counters.queueDelayNanoseconds += (leaves - arrival).nanoseconds
            }
            departure = leaves
        }

        var fate = PacketFate(release: nil, dropCause: nil)
        var release = departure + .nanoseconds(self.delayNanoseconds(elapsed: elapsed))

        if self.isPickedForReordering() {
            fate.isReordered = true
            self.counters.reordered += 1
            release = release + .nanoseconds(self.spec.reorderDelay.totalNanoseconds)
        } else if !self.spec.jitterReorders {
            release = max(release, self.lastRelease)
            self.lastRelease = release
        }
        fate.release = release
        self.counters.passed += 1
        self.counters.passedBytes += size

        if self.duplicateRandom.happens(self.spec.duplicate, using: &self.generator) {
            fate.duplicateRelease = release + .nanoseconds(self.spec.duplicateDelay.totalNanoseconds)
            self.counters.duplicated += 1
            self.counters.passed += 1
            self.counters.passedBytes += size
        }
        if size > 0, self.corruptRandom.happens(self.spec.corrupt, using: &self.generator) {
            fate.corruptedBit = Int(self.generator.next() % UInt64(size * 8))
            self.counters.corrupted += 1
        }
        return fate
    }

    /// The one-way delay for a packet, in nanoseconds, never negative.
    private mutating func delayNanoseconds(elapsed: Int64) -> Int64 {
        var delay = Double(self.spec.delay.totalNanoseconds)
        if let wave = self.spec.wave {
            delay += wave.offsetNanoseconds(at: elapsed)
        }
        let jitter = Double(self.spec.jitter.totalNanoseconds)
        if jitter > 0 {
            let value = self.spec.distribution.value { self.jitterRandom.next(using: &self.generator) }
            delay += jitter * value
        }
        return Int64(max(0, delay).rounded())
    }

    /// Whether the packet is held back to be overtaken. As netem's `gap N` (sch_netem.c, `q->counter`): after N − 1
    /// packets in order, every packet is a candidate until one is picked, and the count starts again.
    private mutating func isPickedForReordering() -> Bool {
        guard self.spec.reorder > 0 else { return false }
        let gap = self.spec.reorderGap
        if gap > 1, self.packetsSinceReorder < gap - 1 {
            self.packetsSinceReorder += 1
            return false
        }
        // A candidate that is not picked leaves the count at N − 1, so the next packet is a candidate too.
        guard self.reorderRandom.happens(self.spec.reorder, using: &self.generator) else { return false }
        self.packetsSinceReorder = 0
        return true
    }

    /// The part of `spec` that applies in `mode`.
    private static func applicable(_ spec: ImpairmentSpec, mode: Mode) -> ImpairmentSpec {
        guard mode == .stream else { return spec }
        var stream = spec
        stream.loss = .none
        stream.duplicate = 0
        stream.reorder = 0
        stream.corrupt = 0
        stream.jitterReorders = false
        if stream.rate != nil {
            stream.queueLimit = ByteCount(bytes: Int.max / 2)
        }
        return stream
    }

    private static func makeBucket(_ spec: ImpairmentSpec) -> TokenBucket? {
        guard let rate = spec.rate else { return nil }
        return TokenBucket(
            bytesPerSecond: rate.bytesPerSecond,
            burst: spec.effectiveBurst,
            queueLimit: spec.effectiveQueueLimit
        )
    }
}
