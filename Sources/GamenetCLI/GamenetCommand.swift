import ArgumentParser
import GamenetCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `gamenet` root command: a network toolbox for people who build and run online games.
package struct GamenetCommand: AsyncParsableCommand {
    package static let version = "0.1.0"

    package static let configuration = CommandConfiguration(
        commandName: "gamenet",
        abstract: "A network toolbox for online games: game server, client, proxy, tunnel, link shaper and benchmarks.",
        discussion: """
            Endpoints are URLs: tcp://HOST:PORT, udp://HOST:PORT, kcp://HOST:PORT, ws://HOST:PORT/PATH, \
            or - for standard input and output. Where a command listens, tcp://:PORT binds every interface \
            and port 0 picks a free port.
            Exit status follows sysexits(3): 0 ok, 64 usage, 65 bad data, 69 unavailable (refused, \
            unreachable, timed out), 70 internal error, 74 I/O error.
            """,
        version: GamenetCommand.version,
        subcommands: [Serve.self, Connect.self, Proxy.self, Tunnel.self, Impair.self, Bench.self]
    )

    package init() {}

    /// Parses the command line, runs the command and exits with its sysexits status.
    ///
    /// Errors print as one line, `gamenet: error: …`, on standard error, rather than ArgumentParser's usage block,
    /// so that scripts can read them.
    package static func runAsMain(arguments: [String]? = nil) async -> Never {
        // A peer that closes its end must give an error on write, not kill the process (writes to pipes raise
        // SIGPIPE; sockets use MSG_NOSIGNAL in NIO).
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try Self.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Self.exitNow(0)
        } catch let error as GamenetError {
            Self.printError(error.message)
            Self.exitNow(error.exitCode)
        } catch let exitCode as ExitCode {
            Self.exitNow(exitCode.rawValue)
        } catch {
            let code = Self.exitCode(for: error)
            if code == .success {
                // --help, --version and completion scripts.
                Self.exit(withError: error)
            }
            let message = Self.message(for: error)
                .split(separator: "\n")
                .map { $0.drop(while: { $0 == " " }) }
                .filter { !$0.isEmpty }
                .joined(separator: " ")
            Self.printError(message.isEmpty ? "\(error)" : message)
            Self.exitNow(code.rawValue)
        }
    }

    private static func printError(_ message: String) {
        var line = "gamenet: error: "
        line += message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
        line += "\n"
        StandardOutput.printError(line)
    }

    private static func exitNow(_ code: Int32) -> Never {
        StandardOutput.flush()
        systemExit(code)
    }
}
