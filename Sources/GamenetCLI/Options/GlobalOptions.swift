import ArgumentParser
import Logging

/// Options every subcommand takes: how much to log on standard error.
struct GlobalOptions: ParsableArguments {
    /// The level named on the command line, if any; `-v` and `-q` adjust the default instead.
    @Option(name: .long, help: "Log level on standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelArgument?

    /// Each `-v` lowers the threshold one level from `warning`.
    @Flag(name: .shortAndLong, help: "Log more: -v for each connection, -vv for debugging.")
    var verbose: Int

    @Flag(name: .shortAndLong, help: "Log errors only.")
    var quiet = false

    /// The level in force.
    var level: Logger.Level {
        if let logLevel { return logLevel.level }
        if self.quiet { return .error }
        switch self.verbose {
        case 0: return .warning
        case 1: return .info
        case 2: return .debug
        default: return .trace
        }
    }

    /// A logger that writes to standard error at the chosen level.
    func makeLogger(label: String = "gamenet") -> Logger {
        var logger = Logger(label: label) { label in StandardErrorLogHandler(label: label) }
        logger.logLevel = self.level
        return logger
    }
}

/// A `Logger.Level` on the command line.
struct LogLevelArgument: ExpressibleByArgument {
    var level: Logger.Level

    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument.lowercased()) else { return nil }
        self.level = level
    }

    static var allValueStrings: [String] {
        Logger.Level.allCases.map(\.rawValue)
    }

    var defaultValueDescription: String {
        self.level.rawValue
    }
}
