import Foundation
import GamenetCore
import GamenetRuntime

/// The live statistics of `impair`: a status line on stderr every second when stderr is a terminal, a JSON line per
/// second with `--json`, and a summary at the end.
struct StatisticsReporter: Sendable {
    let shaper: LinkShaper
    let json: Bool
    private let started = ContinuousClock.now

    init(shaper: LinkShaper, json: Bool) {
        self.shaper = shaper
        self.json = json
    }

    /// Reports every second until cancelled.
    func run() async {
        let isTerminal = isatty(STDERR_FILENO) == 1
        guard self.json || isTerminal else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { break }
            let counters = await self.shaper.counters()
            if self.json {
                StandardOutput.printLine(self.jsonLine(event: "stats", counters))
            }
            if isTerminal {
                StandardOutput.printError("\r\u{1B}[K" + Self.statusLine(counters))
            }
        }
    }

    /// Prints the final counters: a JSON line with `--json`, two lines on stderr always.
    func printSummary() async {
        let counters = await self.shaper.counters()
        if self.json {
            StandardOutput.printLine(self.jsonLine(event: "summary", counters))
        }
        if isatty(STDERR_FILENO) == 1 {
            StandardOutput.printError("\n")
        }
        StandardOutput.printError("impair: up   \(Self.describe(counters.up))\n")
        StandardOutput.printError("impair: down \(Self.describe(counters.down))\n")
    }

    private func jsonLine(event: String, _ counters: (up: ImpairmentCounters, down: ImpairmentCounters)) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let up = (try? encoder.encode(counters.up)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let down = (try? encoder.encode(counters.down)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let elapsed = self.started.duration(to: .now)
        let seconds = Double(elapsed.totalNanoseconds) / 1e9
        return #"{"event":"\#(event)","elapsed_s":\#((seconds * 1000).rounded() / 1000),"up":\#(up),"down":\#(down)}"#
    }

    private static func statusLine(_ counters: (up: ImpairmentCounters, down: ImpairmentCounters)) -> String {
        "up \(Self.brief(counters.up)) | down \(Self.brief(counters.down))"
    }

    private static func brief(_ counters: ImpairmentCounters) -> String {
        "\(counters.passed) passed, \(counters.dropped) dropped, \(counters.reordered) reordered"
    }

    private static func describe(_ counters: ImpairmentCounters) -> String {
        var parts = [
            "\(counters.received) received", "\(counters.passed) passed",
            "\(counters.droppedByLoss) lost", "\(counters.droppedByOutage) in outages",
            "\(counters.droppedByQueue) tail-dropped", "\(counters.duplicated) duplicated",
            "\(counters.reordered) reordered", "\(counters.corrupted) corrupted",
        ]
        if counters.queued > 0 {
            let mean = Duration.nanoseconds(counters.queueDelayNanoseconds / Int64(counters.queued))
            parts.append("\(counters.queued) queued (mean wait \(mean.shortDescription))")
        }
        return parts.joined(separator: ", ")
    }
}
