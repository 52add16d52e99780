import ArgumentParser
import GamenetCore

/// The impairment flags of `impair`, for both directions. Each flag becomes a clause of a netem-style spec string,
/// so flags, `--up`/`--down` strings and presets are all read, and checked, by the same parser.
struct ImpairmentOptions: ParsableArguments {
    @Option(help: "Start from a named link profile (see --list-presets); other options apply on top.")
    var preset: String?

    @Option(help: "One-way delay, such as 50ms.")
    var delay: String?

    @Option(help: "Random variation of the delay: ±jitter for uniform, the standard deviation otherwise.")
    var jitter: String?

    @Option(help: "Shape of the jitter: uniform, normal, pareto, paretonormal or exponential.")
    var distribution: String?

    @Flag(help: "Let jitter put packets out of order, as netem does; by default jitter clumps packets instead.")
    var jitterReorders = false

    @Option(help: "Time-varying delay: 'sine|square AMPLITUDE PERIOD', such as 'sine 20ms 10s'.")
    var wave: String?

    @Option(help: "Share of packets lost, such as 2% or 0.02.")
    var loss: String?

    @Option(help: "Mean length of a loss burst in packets; with --loss, losses come in bursts (Gilbert-Elliott).")
    var burst: String?

    @Option(help: "Gilbert-Elliott loss as netem's gemodel: 'P [R [1-H [1-K]]]' in percent.")
    var gemodel: String?

    @Option(name: .customLong("dup"), help: "Share of packets sent twice.")
    var duplicate: String?

    @Option(name: .customLong("dup-delay"), help: "How long after the original a duplicate is released.")
    var duplicateDelay: String?

    @Option(help: "Share of packets held back by --reorder-delay so that later ones overtake them.")
    var reorder: String?

    @Option(help: "Extra delay of a reordered packet (default 10ms).")
    var reorderDelay: String?

    @Option(
        help:
            "Reorder only after N - 1 packets in order; then each packet is a candidate until one is picked (netem's gap)."
    )
    var reorderGap: String?

    @Option(help: "Share of packets with one bit flipped at a random position.")
    var corrupt: String?

    @Option(help: "Bottleneck rate, such as 1mbit or 2MB/s; packets queue behind it.")
    var rate: String?

    @Option(help: "Bytes that pass at once before --rate applies (default 5 ms at the rate).")
    var rateBurst: String?

    @Option(help: "Bytes that may queue behind --rate before tail drop (default 200 ms at the rate, at least 64KiB).")
    var queue: String?

    @Option(help: "A scheduled outage, DURATION@START[/EVERY], such as 5s@30s; repeat the option for more.")
    var outage: [String] = []

    @Option(help: "A netem-style spec for the client-to-target direction only, applied on top of the other options.")
    var up: String?

    @Option(help: "A netem-style spec for the target-to-client direction only, applied on top of the other options.")
    var down: String?

    /// The spec string the flags stand for, for both directions.
    var flagSpec: String {
        var clauses: [String] = []
        if let delay = self.delay {
            clauses.append(["delay", delay, self.jitter ?? ""].joined(separator: " "))
        } else if let jitter = self.jitter {
            clauses.append("delay 0ms \(jitter)")
        }
        if let distribution = self.distribution { clauses.append("distribution \(distribution)") }
        if self.jitterReorders { clauses.append("jitter-reorders") }
        if let wave = self.wave { clauses.append("wave \(wave)") }
        if let gemodel = self.gemodel {
            clauses.append("loss gemodel \(gemodel)")
        } else if let loss = self.loss {
            clauses.append("loss \(loss)" + (self.burst.map { " burst \($0)" } ?? ""))
        } else if let burst = self.burst {
            clauses.append("loss 1% burst \(burst)")
        }
        if let duplicate = self.duplicate {
            clauses.append("duplicate \(duplicate)" + (self.duplicateDelay.map { " \($0)" } ?? ""))
        }
        if let reorder = self.reorder {
            clauses.append(
                "reorder \(reorder)" + (self.reorderDelay.map { " \($0)" } ?? "")
                    + (self.reorderGap.map { " gap \($0)" } ?? "")
            )
        }
        if let corrupt = self.corrupt { clauses.append("corrupt \(corrupt)") }
        if let rate = self.rate {
            clauses.append(
                "rate \(rate)" + (self.rateBurst.map { " burst \($0)" } ?? "")
                    + (self.queue.map { " queue \($0)" } ?? "")
            )
        }
        for outage in self.outage { clauses.append("outage \(outage)") }
        return clauses.joined(separator: " ")
    }

    /// The specs of the two directions.
    ///
    /// - Throws: ``ImpairmentSpecParseError`` naming the offending token.
    func makeSpecs() throws(ImpairmentSpecParseError) -> (up: ImpairmentSpec, down: ImpairmentSpec) {
        var base = ImpairmentSpec()
        if let preset = self.preset {
            base = try ImpairmentSpec(parsing: ImpairmentPreset.named(preset).spec)
        }
        let both = try ImpairmentSpec(parsing: self.flagSpec, base: base)
        let up = try self.up.map { text throws(ImpairmentSpecParseError) in
            try ImpairmentSpec(parsing: text, base: both)
        }
        let down = try self.down.map { text throws(ImpairmentSpecParseError) in
            try ImpairmentSpec(parsing: text, base: both)
        }
        return (up ?? both, down ?? both)
    }
}
