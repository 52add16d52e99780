import ArgumentParser
import Foundation
import GamenetCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a benchmark's results are written: a table by default, or JSON, CSV and an SVG plot.
struct BenchOutputOptions: ParsableArguments {
    @Flag(help: "Print the whole result as one JSON document on standard output instead of the table.")
    var json = false

    @Flag(help: "Print the results as CSV on standard output instead of the table.")
    var csv = false

    @Option(help: ArgumentHelp("Also draw latency percentile curves, one per case, into this SVG file.", valueName: "file"))
    var plot: String?

    func validate() throws {
        if self.json && self.csv {
            throw ValidationError("--json and --csv both print on standard output; choose one")
        }
    }

    /// Refuses `--csv` and `--plot` where the results are not latency distributions.
    func requireNoLatencyFormats(mode: String) throws {
        if self.csv || self.plot != nil {
            throw ValidationError("--csv and --plot are for latency results; bench \(mode) prints a table or --json")
        }
    }

    /// Prints latency `results` as asked, with `table` as the human form.
    func emit(mode: String, _ results: [LatencyResult], table: ([LatencyResult]) -> String) throws {
        if let plot {
            let title = "gamenet bench \(mode): round-trip time by percentile"
            do {
                try LatencyPlot.svg(results, title: title).write(toFile: plot, atomically: true, encoding: .utf8)
            } catch {
                throw GamenetError(.ioError, "cannot write the plot to \(plot): \(error.localizedDescription)")
            }
        }
        if self.json {
            // The curves are for plots; the JSON keeps the summary figures.
            let trimmed = results.map { result -> LatencyResult in
                var result = result
                result.curve = nil
                return result
            }
            try self.printJSON(BenchReport.current(mode: mode, results: trimmed))
        } else if self.csv {
            StandardOutput.printText(LatencyCSV.render(results))
        } else {
            StandardOutput.printText(BenchReport<LatencyResult>.heading(mode: mode) + table(results))
        }
    }

    /// Prints `report` as one line of JSON.
    func printJSON<Result: Codable & Sendable>(_ report: BenchReport<Result>) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        StandardOutput.printLine(String(decoding: data, as: UTF8.self))
    }
}

extension BenchReport {
    /// A report stamped with this build and machine.
    static func current(mode: String, results: [Result]) -> BenchReport {
        BenchReport(
            mode: mode,
            gamenetVersion: GamenetCommand.version,
            cpus: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            optimized: Self.isOptimized,
            results: results
        )
    }

    /// The line above a table: what ran where.
    static func heading(mode: String) -> String {
        let build = Self.isOptimized ? "release build" : "debug build: figures are not representative"
        let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return "gamenet \(GamenetCommand.version) bench \(mode), \(cpus) CPUs, \(build)\n"
    }

    static var isOptimized: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }
}
