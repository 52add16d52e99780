import GamenetCore
import Testing

/// The netem-style spec strings: each clause, round trips through `description`, presets, and error messages that
/// name the offending token.
@Suite struct ImpairmentSpecParsingTests {
    private static func spec(_ configure: (inout ImpairmentSpec) -> Void) -> ImpairmentSpec {
        var spec = ImpairmentSpec()
        configure(&spec)
        return spec
    }

    // MARK: - Clauses

    @Test func emptyIsPassThrough() throws {
        let spec = try ImpairmentSpec(parsing: "")
        #expect(spec == ImpairmentSpec())
        #expect(spec.isPassThrough)
        #expect(spec.description == "none")
    }

    @Test func theExampleSpec() throws {
        let text = "delay 50ms 10ms loss 2% duplicate 1% reorder 5% 40ms corrupt 0.1% rate 1mbit"
        let spec = try ImpairmentSpec(parsing: text)
        #expect(spec.delay == .milliseconds(50))
        #expect(spec.jitter == .milliseconds(10))
        #expect(spec.distribution == .uniform)
        #expect(spec.loss == .random(probability: 0.02, correlation: 0))
        #expect(spec.duplicate == 0.01)
        #expect(spec.reorder == 0.05)
        #expect(spec.reorderDelay == .milliseconds(40))
        #expect(spec.corrupt == 0.001)
        #expect(spec.rate == Rate(bytesPerSecond: 125_000))
        #expect(!spec.isPassThrough)
        // Written back in the same canonical order.
        #expect(spec.description == text)
    }

    @Test(arguments: [
        ("delay 50ms", spec { $0.delay = .milliseconds(50) }),
        (
            "delay 50ms 10ms",
            spec {
                $0.delay = .milliseconds(50)
                $0.jitter = .milliseconds(10)
            }
        ),
        (
            "delay 50ms 10ms 25%",
            spec {
                $0.delay = .milliseconds(50)
                $0.jitter = .milliseconds(10)
                $0.delayCorrelation = 0.25
            }
        ),
        (
            "delay 100ms 20ms distribution normal",
            spec {
                $0.delay = .milliseconds(100)
                $0.jitter = .milliseconds(20)
                $0.distribution = .normal
            }
        ),
        ("distribution paretonormal", spec { $0.distribution = .paretonormal }),
        ("jitter-reorders", spec { $0.jitterReorders = true }),
        (
            "wave sine 20ms 1s",
            spec { $0.wave = DelayWave(shape: .sine, amplitude: .milliseconds(20), period: .seconds(1)) }
        ),
        (
            "wave square 5ms 10s",
            spec { $0.wave = DelayWave(shape: .square, amplitude: .milliseconds(5), period: .seconds(10)) }
        ),
        ("loss 2%", spec { $0.loss = .random(probability: 0.02, correlation: 0) }),
        ("loss 0.02", spec { $0.loss = .random(probability: 0.02, correlation: 0) }),
        ("loss random 2% 25%", spec { $0.loss = .random(probability: 0.02, correlation: 0.25) }),
        ("loss 0%", ImpairmentSpec()),
        ("loss 2% burst 3", spec { $0.loss = .bursts(lossRate: 0.02, meanBurstLength: 3) }),
        ("loss 100% burst 3", spec { $0.loss = .random(probability: 1, correlation: 0) }),
        (
            "loss gemodel 1% 30% 70% 0.1%",
            spec { $0.loss = .gilbertElliott(p: 0.01, r: 0.3, lossInBad: 0.7, lossInGood: 0.001) }
        ),
        ("loss gemodel 1%", spec { $0.loss = .gilbertElliott(p: 0.01, r: 0.99, lossInBad: 1, lossInGood: 0) }),
        ("loss gemodel 1% 20%", spec { $0.loss = .gilbertElliott(p: 0.01, r: 0.2, lossInBad: 1, lossInGood: 0) }),
        ("duplicate 1%", spec { $0.duplicate = 0.01 }),
        (
            "duplicate 1% 10ms",
            spec {
                $0.duplicate = 0.01
                $0.duplicateDelay = .milliseconds(10)
            }
        ),
        (
            "duplicate 1% 50% 10ms",
            spec {
                $0.duplicate = 0.01
                $0.duplicateCorrelation = 0.5
                $0.duplicateDelay = .milliseconds(10)
            }
        ),
        ("reorder 5%", spec { $0.reorder = 0.05 }),
        (
            "reorder 5% 40ms",
            spec {
                $0.reorder = 0.05
                $0.reorderDelay = .milliseconds(40)
            }
        ),
        (
            "reorder 25% 50% 10ms gap 5",
            spec {
                $0.reorder = 0.25
                $0.reorderCorrelation = 0.5
                $0.reorderDelay = .milliseconds(10)
                $0.reorderGap = 5
            }
        ),
        ("corrupt 0.1%", spec { $0.corrupt = 0.001 }),
        (
            "corrupt 0.1% 25%",
            spec {
                $0.corrupt = 0.001
                $0.corruptCorrelation = 0.25
            }
        ),
        ("rate 1mbit", spec { $0.rate = Rate(bytesPerSecond: 125_000) }),
        (
            "rate 10mbit burst 3000 queue 64KiB",
            spec {
                $0.rate = Rate(bytesPerSecond: 1_250_000)
                $0.burst = ByteCount(bytes: 3000)
                $0.queueLimit = ByteCount(bytes: 65536)
            }
        ),
        (
            "rate 2MB/s queue 1MiB",
            spec {
                $0.rate = Rate(bytesPerSecond: 2e6)
                $0.queueLimit = ByteCount(bytes: 1 << 20)
            }
        ),
        ("outage 5s@30s", spec { $0.outages = [Outage(duration: .seconds(5), start: .seconds(30))] }),
        (
            "outage 1s@2s/5s outage 500ms@0s",
            spec {
                $0.outages = [
                    Outage(duration: .seconds(1), start: .seconds(2), every: .seconds(5)),
                    Outage(duration: .milliseconds(500), start: .zero),
                ]
            }
        ),
    ])
    func parsesClause(text: String, expected: ImpairmentSpec) throws {
        let spec = try ImpairmentSpec(parsing: text)
        #expect(spec == expected)
        #expect(try ImpairmentSpec(parsing: spec.description) == spec, "\(spec.description)")
    }

    @Test func clausesApplyOnTopOfTheBase() throws {
        let base = try ImpairmentSpec(parsing: "delay 80ms loss 5%")
        let spec = try ImpairmentSpec(parsing: "loss 1% duplicate 2%", base: base)
        #expect(spec.delay == .milliseconds(80))
        #expect(spec.loss == .random(probability: 0.01, correlation: 0))
        #expect(spec.duplicate == 0.02)
        // A later clause overrides an earlier one; outages accumulate.
        let twice = try ImpairmentSpec(parsing: "delay 10ms delay 20ms outage 1s@1s outage 1s@3s")
        #expect(twice.delay == .milliseconds(20))
        #expect(twice.outages.count == 2)
    }

    @Test func whitespaceIsFlexible() throws {
        #expect(
            try ImpairmentSpec(parsing: "  delay\t50ms \n loss  2% ") == ImpairmentSpec(parsing: "delay 50ms loss 2%")
        )
    }

    // MARK: - Round trips

    @Test(arguments: [
        "delay 50ms 10ms loss 2% duplicate 1% reorder 5% 40ms corrupt 0.1% rate 1mbit",
        "delay 0ns 10ms",
        "delay 20ms 5ms 30% distribution pareto jitter-reorders wave square 10ms 2s",
        "loss 2% burst 3",
        "loss 12.5% burst 1.5",
        "loss 0.12345% 33.3333%",
        "loss gemodel 1.23456% 30% 70% 0.1%",
        "loss gemodel 0% 0%",
        "duplicate 1% 50% 10ms reorder 25% 50% 10ms gap 5 corrupt 0.001% 1%",
        "delay 1.5ms 250us rate 64KiB/s burst 1500 queue 1MiB",
        "rate 2.5mbit",
        "rate 1.23456mbit",
        "delay 1234567ns",
        "outage 5s@30s outage 1s@2s/5s outage 250ms@1.5s/10s",
        "outage 1234567ns@1000001us/2.0000001s",
        "loss 0.00001234%",
        "duplicate 0.000000123",
        "reorder 33.33333333% 1ms",
        "none",
    ])
    func roundTrips(text: String) throws {
        let spec = try ImpairmentSpec(parsing: text)
        let description = spec.description
        #expect(try ImpairmentSpec(parsing: description) == spec, "\(text) → \(description)")
    }

    @Test func passThroughRoundTrips() throws {
        #expect(try ImpairmentSpec(parsing: ImpairmentSpec().description) == ImpairmentSpec())
    }

    @Test func shortFormsAreKeptWhereExact() throws {
        let text = "delay 1.5ms 250us 25% wave sine 20ms 1s loss 0.5% duplicate 0.1% 2ms rate 2.5mbit outage 5s@30s/60s"
        #expect(try ImpairmentSpec(parsing: text).description == text)
    }

    @Test func inexactValuesGetEveryDigit() throws {
        #expect(try ImpairmentSpec(parsing: "delay 1234567ns").description == "delay 1234567ns")
        #expect(try ImpairmentSpec(parsing: "loss 0.12345%").description == "loss 0.12345%")
        #expect(try ImpairmentSpec(parsing: "rate 1.23456mbit").description == "rate 154320B/s")
    }

    @Test func burstLossIsWrittenAsBurst() throws {
        #expect(try ImpairmentSpec(parsing: "loss 2% burst 3").description == "loss 2% burst 3")
        #expect(try ImpairmentSpec(parsing: "loss 12.5% burst 1.5").description == "loss 12.5% burst 1.5")
        #expect(
            try ImpairmentSpec(parsing: "delay 50ms 10ms loss 2% burst 3").description
                == "delay 50ms 10ms loss 2% burst 3"
        )
    }

    // MARK: - Presets

    @Test(arguments: ImpairmentPreset.all)
    func presetParsesAndRoundTrips(preset: ImpairmentPreset) throws {
        let spec = try ImpairmentSpec(parsing: preset.spec)
        #expect(!spec.isPassThrough)
        #expect(try ImpairmentSpec(parsing: spec.description) == spec, "\(preset.name): \(spec.description)")
        #expect(try ImpairmentPreset.named(preset.name) == preset)
    }

    @Test func presetNamesAreUnique() {
        #expect(Set(ImpairmentPreset.all.map(\.name)).count == ImpairmentPreset.all.count)
    }

    @Test func unknownPresetNamesTheTokenAndListsThePresets() throws {
        let error = try #require(throws: ImpairmentSpecParseError.self) { try ImpairmentPreset.named("nope") }
        #expect(error.token == "nope")
        #expect(
            error.description
                == "bad impairment 'nope': unknown preset, expected one of lan, broadband, wifi, dsl, 4g, 3g, edge, "
                + "gprs, starlink, lossy, reorder, bursty, unplayable, mitm, outage"
        )
    }

    // MARK: - Errors

    @Test(arguments: [
        (
            "jitter 5ms",
            "bad impairment 'jitter': unknown impairment, expected one of none, delay, distribution, jitter-reorders, "
                + "wave, loss, duplicate, reorder, corrupt, rate, outage"
        ),
        ("delay -5ms", "bad impairment '-5ms': expected a duration such as 250us, 50ms, 1.5s or 2m, not negative"),
        ("delay 50", "bad impairment '50': expected a duration such as 250us, 50ms, 1.5s or 2m, not negative"),
        ("delay", "bad impairment 'delay': expected a time such as 50ms after it"),
        (
            "loss 200%",
            "bad impairment '200%': expected a percentage such as 2% or a fraction such as 0.02, between 0 and 100%"
        ),
        ("loss", "bad impairment 'loss': expected a percentage such as 2% after it"),
        ("loss gemodel", "bad impairment 'gemodel': expected a percentage such as 2% after it"),
        ("loss 2% burst 0.5", "bad impairment '0.5': expected a mean burst length of at least 1 packet"),
        ("loss 2% burst", "bad impairment 'burst': expected a mean burst length such as 3 after it"),
        (
            "delay 50ms 10ms distribution gaussian",
            "bad impairment 'gaussian': unknown distribution, expected one of uniform, normal, pareto, paretonormal, "
                + "exponential"
        ),
        (
            "distribution",
            "bad impairment 'distribution': expected one of uniform, normal, pareto, paretonormal, exponential after it"
        ),
        ("wave triangle 5ms 1s", "bad impairment 'triangle': expected a wave shape, sine or square"),
        ("wave sine 5ms 0s", "bad impairment '0s': a wave's period must be longer than 0"),
        ("wave sine 5ms", "bad impairment '5ms': expected a time such as 50ms after it"),
        ("wave sine 1500us x", "bad impairment 'x': expected a duration such as 250us, 50ms, 1.5s or 2m, not negative"),
        (
            "duplicate 1% 150%",
            "bad impairment '150%': expected a percentage such as 2% or a fraction such as 0.02, "
                + "between 0 and 100%"
        ),
        ("reorder 5% gap 0", "bad impairment '0': expected a whole number of at least 1"),
        ("rate fast", "bad impairment 'fast': expected a rate such as 512kbit, 10mbit, 1gbit or 2MB/s"),
        ("rate 0mbit", "bad impairment '0mbit': a rate must be more than 0"),
        ("rate 1mbit queue lots", "bad impairment 'lots': expected a size such as 1200, 64KiB, 1MB or 1GiB"),
        ("outage 5s", "bad impairment '5s': expected DURATION@START[/EVERY], as in 5s@30s or 5s@30s/60s"),
        ("outage 5s@soon", "bad impairment '5s@soon': expected DURATION@START[/EVERY], as in 5s@30s or 5s@30s/60s"),
        ("outage 5s@30s/5s", "bad impairment '5s@30s/5s': the repeat interval must be longer than the outage"),
        ("outage", "bad impairment 'outage': expected DURATION@START, as in 5s@30s after it"),
    ])
    func rejects(text: String, message: String) throws {
        let error = try #require(throws: ImpairmentSpecParseError.self) { try ImpairmentSpec(parsing: text) }
        #expect(error.description == message)
    }

    @Test func errorNamesTheFirstBadTokenInALongSpec() throws {
        let error = try #require(throws: ImpairmentSpecParseError.self) {
            try ImpairmentSpec(parsing: "delay 50ms 10ms loss 2% bogus 3 corrupt 0.1%")
        }
        #expect(error.token == "bogus")
    }
}
