/// The whole result of a `gamenet bench` run, as `--json` prints it: where it ran, then one object per case.
package struct BenchReport<Result: Codable & Sendable>: Codable, Sendable {
    /// `compare`, `rtt`, `throughput`, `conns` or `loss`.
    package var mode: String
    package var gamenetVersion: String
    /// Processors online on the machine that ran the benchmark.
    package var cpus: Int
    /// Whether gamenet was built with optimizations; figures from a debug build are not worth quoting.
    package var optimized: Bool
    package var results: [Result]

    enum CodingKeys: String, CodingKey {
        case mode, cpus, optimized, results
        case gamenetVersion = "gamenet_version"
    }

    package init(mode: String, gamenetVersion: String, cpus: Int, optimized: Bool, results: [Result]) {
        self.mode = mode
        self.gamenetVersion = gamenetVersion
        self.cpus = cpus
        self.optimized = optimized
        self.results = results
    }
}
