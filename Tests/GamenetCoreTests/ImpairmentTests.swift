import GamenetCore
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The shaper's model in virtual time: seeded determinism, loss, duplication, corruption, outages, waves and
/// changing the spec mid-run. Delay, reordering and the rate limiter have their own files.
@Suite struct ImpairmentTests {
    private static let start = ShaperDrive.start

    // MARK: - Determinism

    @Test func fixedSeedGivesExactDropCount() throws {
        let (fates, counters) = try ShaperDrive.fates("loss 10%", seed: 7, count: 1000)
        // Pinned: seed 7 drops 108 of 1,000 at 10% (the binomial's mean is 100, its sigma 9.5).
        #expect(counters.droppedByLoss == 108)
        #expect(counters.received == 1000)
        #expect(counters.passed == 892)
        let dropped = fates.indices.filter { fates[$0].release == nil }
        #expect(dropped.count == 108)
        #expect(Array(dropped.prefix(12)) == [10, 26, 31, 38, 67, 90, 91, 110, 118, 146, 151, 158])
        #expect(dropped.allSatisfy { fates[$0].dropCause == .loss })
    }

    @Test func sameSeedSameFatesOtherSeedOtherFates() throws {
        let spec = "delay 50ms 10ms loss 10% duplicate 5% reorder 5% 20ms corrupt 5% rate 1mbit"
        let first = try ShaperDrive.fates(spec, seed: 7, count: 2000, size: 200)
        let again = try ShaperDrive.fates(spec, seed: 7, count: 2000, size: 200)
        let other = try ShaperDrive.fates(spec, seed: 8, count: 2000, size: 200)
        #expect(first.fates == again.fates)
        #expect(first.counters == again.counters)
        #expect(first.fates != other.fates)
        #expect(first.fates.map(\.dropCause) != other.fates.map(\.dropCause))
    }

    @Test func countersAddUp() throws {
        let spec = "loss 10% duplicate 5% corrupt 5% rate 100kbit queue 20000 outage 1s@2s"
        let (fates, counters) = try ShaperDrive.fates(spec, count: 5000, size: 100)
        #expect(counters.received == 5000)
        #expect(counters.dropped == fates.filter { $0.release == nil }.count)
        #expect(counters.droppedByLoss == fates.filter { $0.dropCause == .loss }.count)
        #expect(counters.droppedByOutage == fates.filter { $0.dropCause == .outage }.count)
        #expect(counters.droppedByQueue == fates.filter { $0.dropCause == .queueFull }.count)
        #expect(counters.duplicated == fates.filter { $0.duplicateRelease != nil }.count)
        #expect(counters.corrupted == fates.filter { $0.corruptedBit != nil }.count)
        #expect(counters.passed == counters.received - counters.dropped + counters.duplicated)
        #expect(counters.passedBytes == 100 * counters.passed)
        #expect(counters.droppedByLoss > 0 && counters.droppedByOutage > 0 && counters.droppedByQueue > 0)
    }

    @Test func resetCountersKeepsTheModelGoing() throws {
        var model = Impairment(spec: try ImpairmentSpec(parsing: "loss 50%"), start: Self.start, seed: 7)
        for index in 0..<100 { _ = model.decide(size: 10, now: ShaperDrive.arrival(index, every: .milliseconds(1))) }
        #expect(model.counters.received == 100)
        model.resetCounters()
        #expect(model.counters == ImpairmentCounters())
        _ = model.decide(size: 10, now: Self.start + .seconds(1))
        #expect(model.counters.received == 1)
    }

    // MARK: - Loss

    @Test func bernoulliLossWithinFourSigma() throws {
        let count = 100_000
        let (_, counters) = try ShaperDrive.fates("loss 10%", seed: 11, count: count)
        // Binomial(100,000, 0.1): mean 10,000, sigma 94.9.
        let expected = 0.1 * Double(count)
        #expect(abs(Double(counters.droppedByLoss) - expected) <= fourSigma(trials: count, probability: 0.1))
    }

    @Test func burstLossHasTheRateAndMeanBurstLength() throws {
        let count = 100_000
        let (fates, counters) = try ShaperDrive.fates("loss 2% burst 3", seed: 7, count: count)
        let lossRate = Double(counters.droppedByLoss) / Double(count)
        let bursts = ShaperDrive.runLengths(fates) { $0.dropCause == .loss }
        let meanBurst = Double(bursts.reduce(0, +)) / Double(bursts.count)
        // `bursts(lossRate: 0.02, meanBurstLength: 3)`: r = 1/3, p = 0.02·r/0.98, every bad packet lost. The loss
        // fraction is that of a two-state chain with λ = 1 − p − r ≈ 0.66; its variance per packet is
        // π(1 − π)(1 + λ)/(1 − λ) ≈ 0.0196 · 4.9, so over 100,000 packets sigma ≈ 0.098 %: 4 sigma ≈ 0.4 %.
        #expect(abs(lossRate - 0.02) <= 0.004)
        // Bursts are geometric with mean 1/r = 3 and standard deviation √(1 − r)/r ≈ 2.45; about 2,000/3 ≈ 667 of
        // them give the mean a sigma of 0.095: 4 sigma ≈ 0.38.
        #expect(abs(meanBurst - 3) <= 0.38)
        // Measured with seed 7: 1.973 % loss in 658 bursts of mean length 2.998.
        #expect(counters.droppedByLoss == 1973)
        #expect(bursts.count == 658)
    }

    @Test func burstLossModelIsStationaryAtTheRate() {
        let model = LossModel.bursts(lossRate: 0.02, meanBurstLength: 3)
        guard case .gilbertElliott(let p, let r, let lossInBad, let lossInGood) = model else {
            Issue.record("expected a Gilbert-Elliott model, got \(model)")
            return
        }
        #expect(abs(r - 1.0 / 3) < 1e-12)
        #expect(abs(p - 0.02 / 3 / 0.98) < 1e-12)
        #expect(lossInBad == 1 && lossInGood == 0)
        #expect(abs(model.meanLossRate - 0.02) < 1e-12)
        #expect(LossModel.bursts(lossRate: 1, meanBurstLength: 3).meanLossRate == 1)
        #expect(LossModel.bursts(lossRate: 0.1, meanBurstLength: 0.5) == .bursts(lossRate: 0.1, meanBurstLength: 1))
    }

    @Test func gilbertElliottWithExplicitParameters() throws {
        let count = 100_000
        let spec = try ImpairmentSpec(parsing: "loss gemodel 1% 30% 70% 0.1%")
        #expect(spec.loss == .gilbertElliott(p: 0.01, r: 0.3, lossInBad: 0.7, lossInGood: 0.001))
        let expected = spec.loss.meanLossRate  // π_bad = p/(p + r) = 1/31; 0.7/31 + 0.001·30/31 ≈ 2.355 %
        #expect(abs(expected - (0.7 / 31 + 0.001 * 30 / 31)) < 1e-12)
        let (fates, counters) = try ShaperDrive.fates(spec.description, seed: 7, count: count)
        let lossRate = Double(counters.droppedByLoss) / Double(count)
        // Per-packet variance: the state's share (0.7 − 0.001)²·π(1 − π)(1 + λ)/(1 − λ) with λ = 0.69 ≈ 0.083, plus
        // the Bernoulli share within states ≈ 0.008: sigma over 100,000 ≈ 0.095 %, 4 sigma ≈ 0.38 %.
        #expect(abs(lossRate - expected) <= 0.0038)
        // Losses cluster: a loss is followed by another far more often than the mean rate (in the bad state,
        // 0.7·(1 − r) ≈ 49 %, against 2.4 % overall).
        var lossAfterLoss = 0
        var losses = 0
        for index in 1..<count where fates[index - 1].dropCause == .loss {
            losses += 1
            if fates[index].dropCause == .loss { lossAfterLoss += 1 }
        }
        let conditional = Double(lossAfterLoss) / Double(losses)
        #expect(conditional > 0.35 && conditional < 0.6)
    }

    @Test func gilbertElliottWithOnlyPIsBernoulli() throws {
        let count = 100_000
        let spec = try ImpairmentSpec(parsing: "loss gemodel 5%")
        // netem's defaults: r = 1 − p, 1 − h = 100 %, 1 − k = 0 %; the next state no longer depends on this one.
        #expect(spec.loss == .gilbertElliott(p: 0.05, r: 0.95, lossInBad: 1, lossInGood: 0))
        let (fates, counters) = try ShaperDrive.fates("loss gemodel 5%", seed: 7, count: count)
        #expect(abs(Double(counters.droppedByLoss) - 5000) <= fourSigma(trials: count, probability: 0.05))
        // Bernoulli runs of losses are geometric with mean 1/(1 − p) ≈ 1.053 (about 4,750 runs: sigma ≈ 0.0033).
        let runs = ShaperDrive.runLengths(fates) { $0.dropCause == .loss }
        let meanRun = Double(runs.reduce(0, +)) / Double(runs.count)
        #expect(abs(meanRun - 1 / 0.95) <= 0.015)
    }

    // MARK: - Duplication and corruption

    @Test func duplicateRateWithinFourSigma() throws {
        let count = 100_000
        let (fates, counters) = try ShaperDrive.fates("delay 10ms duplicate 5% 3ms", seed: 7, count: count)
        #expect(abs(Double(counters.duplicated) - 5000) <= fourSigma(trials: count, probability: 0.05))
        #expect(counters.passed == count + counters.duplicated)
        for fate in fates {
            if let copy = fate.duplicateRelease, let release = fate.release, copy != release + .milliseconds(3) {
                Issue.record("copy at \(copy), original at \(release)")
                break
            }
        }
    }

    @Test func duplicateWithoutDelayLeavesWithTheOriginal() throws {
        let (fates, _) = try ShaperDrive.fates("delay 10ms duplicate 100%", count: 100)
        #expect(fates.allSatisfy { $0.duplicateRelease != nil && $0.duplicateRelease == $0.release })
    }

    @Test func corruptRateWithinFourSigmaAndBitInsidePacket() throws {
        let count = 100_000
        let size = 100
        let (fates, counters) = try ShaperDrive.fates("corrupt 2%", seed: 7, count: count, size: size)
        #expect(abs(Double(counters.corrupted) - 2000) <= fourSigma(trials: count, probability: 0.02))
        let bits = fates.compactMap(\.corruptedBit)
        #expect(bits.count == counters.corrupted)
        #expect(bits.allSatisfy { (0..<(size * 8)).contains($0) })
        // Over ~2,000 draws the bits reach both ends of the packet.
        #expect(bits.min()! < 8)
        #expect(bits.max()! >= size * 8 - 8)
    }

    @Test func emptyPacketsAreNeverCorrupted() throws {
        let (fates, counters) = try ShaperDrive.fates("corrupt 100%", count: 10, size: 0)
        #expect(fates.allSatisfy { $0.corruptedBit == nil && $0.release != nil })
        #expect(counters.corrupted == 0)
    }

    // MARK: - Outages

    @Test func outageDropsExactlyTheWindow() throws {
        // One packet every 10 ms for a minute; `5s@30s` covers [30 s, 35 s): packets 3,000 to 3,499.
        let (fates, counters) = try ShaperDrive.fates("outage 5s@30s", count: 6000, every: .milliseconds(10))
        let dropped = fates.indices.filter { fates[$0].dropCause == .outage }
        #expect(dropped == Array(3000..<3500))
        #expect(counters.droppedByOutage == 500)
        #expect(counters.passed == 5500)
    }

    @Test func outageEdgesAreHalfOpen() throws {
        var model = Impairment(spec: try ImpairmentSpec(parsing: "outage 5s@30s"), start: Self.start, seed: 7)
        let just = TimeAmount.nanoseconds(1)
        #expect(model.decide(size: 10, now: Self.start + .seconds(30) - just).release != nil)
        #expect(model.decide(size: 10, now: Self.start + .seconds(30)).dropCause == .outage)
        #expect(model.decide(size: 10, now: Self.start + .seconds(35) - just).dropCause == .outage)
        #expect(model.decide(size: 10, now: Self.start + .seconds(35)).release != nil)
    }

    @Test func repeatingOutage() throws {
        // `1s@2s/5s`: down in [2, 3), [7, 8), [12, 13) and [17, 18) seconds.
        let (fates, counters) = try ShaperDrive.fates("outage 1s@2s/5s", count: 2000, every: .milliseconds(10))
        for index in fates.indices {
            let milliseconds = index * 10
            let isDown = milliseconds >= 2000 && (milliseconds - 2000) % 5000 < 1000
            if (fates[index].dropCause == .outage) != isDown {
                Issue.record("packet at \(milliseconds) ms: \(fates[index])")
            }
        }
        #expect(counters.droppedByOutage == 400)
    }

    @Test func outagesCombine() throws {
        let (fates, counters) = try ShaperDrive.fates(
            "outage 1s@1s outage 500ms@4s",
            count: 600,
            every: .milliseconds(10)
        )
        #expect(counters.droppedByOutage == 150)
        #expect(fates[99].release != nil && fates[100].release == nil && fates[199].release == nil)
        #expect(fates[200].release != nil && fates[400].release == nil && fates[450].release != nil)
    }

    // MARK: - Waves

    @Test func sineWaveOffsetsTheDelay() throws {
        let spec = try ImpairmentSpec(parsing: "delay 100ms wave sine 20ms 1s")
        var model = Impairment(spec: spec, start: Self.start, seed: 7)
        // (elapsed ms, expected delay ms): the offset is 20 ms · sin(2π·t/1 s).
        let expected: [(Int64, Int64)] = [(0, 100), (250, 120), (500, 100), (750, 80), (1000, 100), (1250, 120)]
        for (elapsed, delay) in expected {
            let now = Self.start + .milliseconds(elapsed)
            let release = try #require(model.decide(size: 10, now: now).release)
            #expect(release - now == .milliseconds(delay), "at \(elapsed) ms")
        }
        // Between the extremes: 100 ms + 20 ms · sin(0.6π) at 1.3 s, to the nanosecond.
        let now = Self.start + .milliseconds(1300)
        let release = try #require(model.decide(size: 10, now: now).release)
        let exact = 100e6 + 20e6 * sin(0.6 * Double.pi)
        #expect(abs(Double((release - now).nanoseconds) - exact) <= 1)
    }

    @Test func squareWaveSwitchesAtHalfPeriod() throws {
        // With jitter-reorders the releases are not held in order, so each packet shows its own offset.
        let (fates, _) = try ShaperDrive.fates(
            "delay 100ms wave square 30ms 2s jitter-reorders",
            count: 4000,
            every: .milliseconds(1)
        )
        let delays = ShaperDrive.delaysInMilliseconds(fates, every: .milliseconds(1))
        #expect(delays[0..<1000].allSatisfy { $0 == 130 })
        #expect(delays[1000..<2000].allSatisfy { $0 == 70 })
        #expect(delays[2000..<3000].allSatisfy { $0 == 130 })
        #expect(delays[3000..<4000].allSatisfy { $0 == 70 })
    }

    @Test func squareWaveDropClumpsPacketsInOrder() throws {
        // In order, the 60 ms fall at 1 s cannot let packets overtake: those arriving in [1 s, 1.06 s) are released
        // together with the last one sent before the fall, at 0.999 s + 130 ms.
        let (fates, _) = try ShaperDrive.fates("delay 100ms wave square 30ms 2s", count: 1200, every: .milliseconds(1))
        let releases = fates.compactMap(\.release)
        #expect(zip(releases, releases.dropFirst()).allSatisfy { $0 <= $1 })
        let clumped = Self.start + .milliseconds(999 + 130)
        #expect(releases[999] == clumped)
        #expect(releases[1000...1059].allSatisfy { $0 == clumped })
        #expect(releases[1060] == Self.start + .milliseconds(1060 + 70))
    }

    @Test func waveOffsetFunction() {
        let sine = DelayWave(shape: .sine, amplitude: .milliseconds(10), period: .seconds(4))
        #expect(sine.offsetNanoseconds(at: 1_000_000_000) == 10e6)
        #expect(sine.offsetNanoseconds(at: 3_000_000_000) == -10e6)
        #expect(abs(sine.offsetNanoseconds(at: 4_000_000_000)) < 1e-6)
        let square = DelayWave(shape: .square, amplitude: .milliseconds(10), period: .seconds(4))
        #expect(square.offsetNanoseconds(at: 0) == 10e6)
        #expect(square.offsetNanoseconds(at: 1_999_999_999) == 10e6)
        #expect(square.offsetNanoseconds(at: 2_000_000_000) == -10e6)
        #expect(square.offsetNanoseconds(at: 5_000_000_000) == 10e6)
        let flat = DelayWave(shape: .sine, amplitude: .milliseconds(10), period: .zero)
        #expect(flat.offsetNanoseconds(at: 123) == 0)
    }

    // MARK: - Changing the spec

    @Test func updateChangesLossMidRun() throws {
        var model = Impairment(spec: try ImpairmentSpec(parsing: "loss 0%"), start: Self.start, seed: 7)
        var index = 0
        func send(_ count: Int) -> [PacketFate] {
            defer { index += count }
            return (index..<(index + count)).map {
                model.decide(size: 10, now: ShaperDrive.arrival($0, every: .milliseconds(1)))
            }
        }
        #expect(send(100).allSatisfy { $0.release != nil })
        model.update(try ImpairmentSpec(parsing: "loss 100%"))
        #expect(send(100).allSatisfy { $0.dropCause == .loss })
        model.update(try ImpairmentSpec(parsing: "loss 0%"))
        #expect(send(100).allSatisfy { $0.release != nil })
        #expect(model.counters.received == 300)
        #expect(model.counters.droppedByLoss == 100)
        #expect(model.spec.loss == .none)
    }

    @Test func updateKeepsReleasesInOrder() throws {
        var model = Impairment(spec: try ImpairmentSpec(parsing: "delay 100ms"), start: Self.start, seed: 7)
        let first = try #require(model.decide(size: 10, now: Self.start).release)
        #expect(first == Self.start + .milliseconds(100))
        model.update(try ImpairmentSpec(parsing: "delay 10ms"))
        // The shorter delay cannot release the next packet before the first one.
        let second = try #require(model.decide(size: 10, now: Self.start + .milliseconds(1)).release)
        #expect(second == first)
        let later = try #require(model.decide(size: 10, now: Self.start + .milliseconds(200)).release)
        #expect(later == Self.start + .milliseconds(210))
    }

    @Test func updateOfTheRateStartsAFreshBucket() throws {
        var model = Impairment(
            spec: try ImpairmentSpec(parsing: "rate 100kbit burst 1000 queue 100KiB"),
            start: Self.start,
            seed: 7
        )
        // 100 kbit/s is 12,500 B/s: the 1,000-byte burst passes, then each 1,000 bytes waits 80 ms more.
        #expect(model.decide(size: 1000, now: Self.start).release == Self.start)
        #expect(model.decide(size: 1000, now: Self.start).release == Self.start + .milliseconds(80))
        model.update(try ImpairmentSpec(parsing: "rate 1mbit burst 1000 queue 100KiB"))
        // 125,000 B/s with a full bucket again: the next packet leaves at once (the queue behind is forgotten, but
        // the order of releases is kept).
        #expect(model.decide(size: 1000, now: Self.start).release == Self.start + .milliseconds(80))
        #expect(model.decide(size: 1000, now: Self.start).release == Self.start + .milliseconds(80))
        #expect(model.decide(size: 1000, now: Self.start + .seconds(1)).release == Self.start + .seconds(1))
    }
}
