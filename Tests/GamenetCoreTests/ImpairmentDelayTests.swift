import GamenetCore
import NIOCore
import Testing

/// Delay, jitter distributions, in-order release and reordering (RFC 4737), in virtual time.
@Suite struct ImpairmentDelayTests {
    private static let start = ShaperDrive.start
    private static let interval = TimeAmount.milliseconds(1)

    // MARK: - Distributions

    /// (distribution, expected standard deviation in jitters, tolerance on it in jitters).
    ///
    /// The delay is 100 ms and the jitter 10 ms, so no value comes near the clamp at 0 (the lowest possible are
    /// 90 ms for uniform and exponential, about 95 ms for Pareto; a normal one needs 10 sigma). With
    /// `jitter-reorders` each packet keeps its own delay instead of being clumped behind the one before.
    /// Tolerances on the standard deviation over 100,000 draws:
    /// - uniform (kurtosis 1.8) and normal (3): relative sigma of the sample deviation ≈ 0.14 % and 0.22 %; 2 %;
    /// - exponential (kurtosis 9): ≈ 0.45 %; 3 %;
    /// - Pareto with α = 3 has no fourth moment, so the sample deviation converges slowly and is skewed low: over
    ///   40 seeds of 100,000 draws its square ranged over 0.87–1.79 (mean 1.03, median 0.97); 15 %. paretonormal
    ///   is three quarters Pareto; same bound.
    static let distributions: [(DelayDistribution, Double, Double)] = [
        (.uniform, 1 / 3.0.squareRoot(), 0.02),
        (.normal, 1, 0.02),
        (.exponential, 1, 0.03),
        (.pareto, 1, 0.15),
        (.paretonormal, 1, 0.15),
    ]

    @Test(arguments: distributions)
    func delayMoments(distribution: DelayDistribution, standardDeviation: Double, tolerance: Double) throws {
        let (fates, _) = try ShaperDrive.fates(
            "delay 100ms 10ms distribution \(distribution.rawValue) jitter-reorders",
            seed: 7,
            count: 100_000,
            every: Self.interval
        )
        let moments = Moments(ShaperDrive.delaysInMilliseconds(fates, every: Self.interval))
        #expect(moments.count == 100_000)
        // The mean's sigma is at most 10 ms/√100,000 ≈ 0.032 ms: 4 sigma ≈ 0.13 ms.
        #expect(abs(moments.mean - 100) <= 0.13, "mean \(moments.mean) ms")
        let expected = 10 * standardDeviation
        #expect(abs(moments.standardDeviation - expected) <= 10 * tolerance, "std \(moments.standardDeviation) ms")
    }

    @Test func uniformJitterStaysWithinPlusMinusJitter() throws {
        let (fates, _) = try ShaperDrive.fates("delay 50ms 10ms jitter-reorders", count: 10_000, every: Self.interval)
        let delays = ShaperDrive.delaysInMilliseconds(fates, every: Self.interval)
        #expect(delays.min()! >= 40 && delays.max()! < 60)
        #expect(delays.min()! < 40.1 && delays.max()! > 59.9)
    }

    @Test func standardizedDistributionsHaveMeanZeroAndDeviationOne() {
        // Straight from the distribution, without the link: 200,000 draws each.
        var generator = SplitMix64(seed: 3)
        for distribution in [DelayDistribution.normal, .exponential] {
            let moments = Moments(
                (0..<200_000).map { _ in distribution.value { Double.random(in: 0..<1, using: &generator) } }
            )
            #expect(abs(moments.mean) < 0.01, "\(distribution) mean \(moments.mean)")
            #expect(abs(moments.standardDeviation - 1) < 0.01, "\(distribution) std \(moments.standardDeviation)")
        }
        let uniform = (0..<10_000).map { _ in
            DelayDistribution.uniform.value { Double.random(in: 0..<1, using: &generator) }
        }
        #expect(uniform.allSatisfy { (-1..<1).contains($0) })
    }

    @Test func negativeDelaysAreClampedAtZero() throws {
        // Normal jitter twice the delay: about 31 % of draws are negative and become 0.
        let (fates, _) = try ShaperDrive.fates(
            "delay 5ms 10ms distribution normal jitter-reorders",
            count: 10_000,
            every: Self.interval
        )
        let delays = ShaperDrive.delaysInMilliseconds(fates, every: Self.interval)
        #expect(delays.allSatisfy { $0 >= 0 })
        let zeros = delays.filter { $0 == 0 }.count
        #expect(zeros > 2500 && zeros < 3700)
    }

    // MARK: - In-order release

    @Test(arguments: ["delay 50ms 20ms", "delay 50ms 20ms distribution normal", "delay 5ms 20ms distribution pareto"])
    func withoutJitterReordersReleasesAreInOrder(spec: String) throws {
        let (fates, _) = try ShaperDrive.fates(spec, count: 20_000, every: Self.interval)
        let releases = fates.map { $0.release! }
        // Never before the packet ahead, and never before the packet's own arrival.
        #expect(zip(releases, releases.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(releases.indices.allSatisfy { releases[$0] >= ShaperDrive.arrival($0, every: Self.interval) })
        // Jitter clumps packets instead: some leave together with the one ahead.
        #expect(zip(releases, releases.dropFirst()).contains { $0 == $1 })
    }

    @Test func inOrderUniformReleaseStaysWithinTheJitterBand() throws {
        // Clumping only ever holds a packet until the release of one that arrived earlier, whose delay was at most
        // delay + jitter: so every packet leaves within [arrival + delay − jitter, arrival + delay + jitter].
        let (fates, _) = try ShaperDrive.fates("delay 50ms 20ms", count: 20_000, every: Self.interval)
        let delays = ShaperDrive.delaysInMilliseconds(fates, every: Self.interval)
        #expect(delays.allSatisfy { $0 >= 30 && $0 <= 70 })
        // And clumping shifts the mean up from 50 ms.
        #expect(Moments(delays).mean > 55)
    }

    @Test func jitterReordersLetsPacketsOvertake() throws {
        let (fates, _) = try ShaperDrive.fates("delay 50ms 20ms jitter-reorders", count: 20_000, every: Self.interval)
        let releases = fates.map { $0.release! }
        let inversions = zip(releases, releases.dropFirst()).filter { $0 > $1 }.count
        #expect(inversions > 1000)
    }

    // MARK: - Reordering

    /// The packets' sequence numbers in the order they are released (ties in arrival order), as a receiver sees them.
    private static func releaseOrder(_ fates: [PacketFate]) -> [Int] {
        var queue = ReleaseQueue<Int>()
        for (index, fate) in fates.enumerated() {
            if let release = fate.release { queue.insert(index, release: release) }
        }
        var order: [Int] = []
        while let index = queue.popDue(now: .distantFuture) { order.append(index) }
        return order
    }

    /// RFC 4737 §3.3: a packet is reordered if its sequence number is lower than the highest one received before it.
    /// Returns the reordered packets and, for each, its extent (§4.2.1 simplified: how many earlier-arrived packets
    /// had a higher number).
    private static func rfc4737Reordered(_ order: [Int]) -> (packets: [Int], maximumExtent: Int) {
        var highest = -1
        var reordered: [Int] = []
        var maximumExtent = 0
        for (position, sequence) in order.enumerated() {
            if sequence < highest {
                reordered.append(sequence)
                let extent = order[..<position].reversed().prefix { $0 > sequence }.count
                maximumExtent = max(maximumExtent, extent)
            } else {
                highest = sequence
            }
        }
        return (reordered, maximumExtent)
    }

    @Test func reorderRatioByRFC4737() throws {
        let count = 100_000
        let (fates, counters) = try ShaperDrive.fates("delay 50ms reorder 25% 10ms", count: count, every: Self.interval)
        let picked = fates.indices.filter { fates[$0].isReordered }
        #expect(counters.reordered == picked.count)
        // A picked packet is held 10 ms more, so at 1 packet/ms the next 9 packets overtake it unless every one of
        // them was picked too (0.25⁹ ≈ 4·10⁻⁶): the RFC 4737 ratio is 25 % · (1 − 0.25⁹), binomial over 100,000.
        let (reordered, maximumExtent) = Self.rfc4737Reordered(Self.releaseOrder(fates))
        let ratio = Double(reordered.count) / Double(count)
        #expect(abs(ratio - 0.25) <= fourSigma(trials: count, probability: 0.25) / Double(count))
        #expect(Set(reordered).isSubset(of: Set(picked)))
        #expect(reordered.count >= picked.count - 2)
        // The packets picked are released 60 ms after arrival, the others 50 ms; at most 9 overtake.
        #expect(
            picked.allSatisfy {
                fates[$0].release! - ShaperDrive.arrival($0, every: Self.interval) == .milliseconds(60)
            }
        )
        #expect(maximumExtent == 9)
        // Measured with seed 7.
        #expect(picked.count == 25_177)
    }

    @Test func reorderedPacketsAreNotHeldBackByInOrderOnes() throws {
        // With jitter, in-order packets clump, but a reordered one is still released late relative to its own arrival.
        let (fates, _) = try ShaperDrive.fates("delay 50ms 5ms reorder 10% 30ms", count: 10_000, every: Self.interval)
        let delays = fates.indices.filter { fates[$0].isReordered }.map {
            Double((fates[$0].release! - ShaperDrive.arrival($0, every: Self.interval)).nanoseconds) / 1e6
        }
        #expect(!delays.isEmpty)
        #expect(delays.allSatisfy { $0 >= 75 && $0 <= 85 })
    }

    @Test func reorderGapFollowsNetem() throws {
        // netem's `reorder 25% gap 5`: the first 4 packets (gap − 1) keep their order, then each packet is reordered
        // with probability 25 % until one is, and the count starts again. The share reordered is
        // 1/(gap − 1 + 1/25 %) = 1/8, binomial-like over 100,000 packets (the cycle's variance is lower still).
        let count = 100_000
        let (fates, counters) = try ShaperDrive.fates(
            "delay 10ms reorder 25% gap 5",
            count: count,
            every: Self.interval
        )
        let picked = fates.indices.filter { fates[$0].isReordered }
        #expect(counters.reordered == picked.count)
        #expect(picked.first! >= 4)
        let spacings = zip(picked, picked.dropFirst()).map { $1 - $0 }
        #expect(spacings.min()! == 5)
        let ratio = Double(picked.count) / Double(count)
        #expect(abs(ratio - 0.125) <= fourSigma(trials: count, probability: 0.125) / Double(count))
        // The spacing is 4 + Geometric(25 %), mean 4 + 4 = 8.
        let meanSpacing = Double(spacings.reduce(0, +)) / Double(spacings.count)
        #expect(abs(meanSpacing - 8) <= 0.1)
    }

    @Test func reorderWithoutGapPicksAnyPacket() throws {
        let (fates, _) = try ShaperDrive.fates("delay 10ms reorder 50%", count: 1000, every: Self.interval)
        let picked = fates.indices.filter { fates[$0].isReordered }
        // Back-to-back picks happen without a gap.
        #expect(zip(picked, picked.dropFirst()).contains { $1 - $0 == 1 })
    }
}
