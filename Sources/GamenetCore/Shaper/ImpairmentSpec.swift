/// Everything that happens to packets going one way through the shaper.
///
/// Written as a netem-style string (`delay 50ms 10ms loss 2% duplicate 1% reorder 5% 40ms corrupt 0.1% rate 1mbit`)
/// by ``init(parsing:)``; every `impair` flag and preset is turned into such a string and parsed by the same code.
package struct ImpairmentSpec: Hashable, Sendable {
    /// The base one-way delay.
    package var delay: Duration = .zero
    /// The spread around it: `±jitter` for the uniform distribution, the standard deviation for the others.
    package var jitter: Duration = .zero
    /// Correlation of successive jitter draws, `0...1`.
    package var delayCorrelation: Double = 0
    package var distribution: DelayDistribution = .uniform
    /// Whether jitter may put packets out of order (netem). By default a packet is never released before the one
    /// sent ahead of it, so jitter clumps packets instead (Valve's GameNetworkingSockets).
    package var jitterReorders = false
    /// A time-varying part of the delay.
    package var wave: DelayWave?

    package var loss: LossModel = .none

    /// Share of packets sent twice.
    package var duplicate: Double = 0
    package var duplicateCorrelation: Double = 0
    /// How long after the original the copy is released.
    package var duplicateDelay: Duration = .zero

    /// Share of packets held back by `reorderDelay` beyond their delay, so that later packets overtake them.
    package var reorder: Double = 0
    package var reorderCorrelation: Double = 0
    package var reorderDelay: Duration = .milliseconds(10)
    /// With a gap of N, as netem's `gap`: after N − 1 packets kept in order, each packet is a candidate for
    /// reordering until one is picked (so `reorder 25% gap 5` reorders 1 packet in 4 + 4 = 8 on average).
    package var reorderGap: Int = 0

    /// Share of packets with one bit flipped at a random position.
    package var corrupt: Double = 0
    package var corruptCorrelation: Double = 0

    /// The bottleneck rate, if any.
    package var rate: Rate?
    /// Bytes that may pass at once before the rate applies; defaults to 5 ms at the rate, at least 1,500 bytes.
    package var burst: ByteCount?
    /// Bytes that may wait for the bottleneck; more are tail-dropped. Defaults to 200 ms at the rate, at least
    /// 64 KiB.
    package var queueLimit: ByteCount?

    /// Scheduled times when the link is down.
    package var outages: [Outage] = []

    package init() {}

    /// Whether the spec leaves packets alone, so the shaper can pass them straight through.
    package var isPassThrough: Bool {
        self.delay == .zero && self.jitter == .zero && self.wave == nil && self.loss == .none && self.duplicate == 0
            && self.reorder == 0 && self.corrupt == 0 && self.rate == nil && self.outages.isEmpty
    }

    /// The burst in force: the one given, or 5 ms worth of the rate and at least one 1,500-byte packet.
    package var effectiveBurst: Int {
        if let burst = self.burst { return burst.bytes }
        guard let rate = self.rate else { return 0 }
        return max(1500, Int(rate.bytesPerSecond * 0.005))
    }

    /// The queue limit in force: the one given, or 200 ms worth of the rate and at least 64 KiB.
    package var effectiveQueueLimit: Int {
        if let limit = self.queueLimit { return limit.bytes }
        guard let rate = self.rate else { return 0 }
        return max(64 * 1024, Int(rate.bytesPerSecond * 0.2))
    }
}
