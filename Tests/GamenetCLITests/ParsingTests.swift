import ArgumentParser
import GamenetCore
import Logging
import Testing

@testable import GamenetCLI

/// The command line as a user types it: what parses into what, and what is refused with which message.
struct ParsingTests {
    @Test func proxyParsesEndpointsAndOptions() throws {
        let command = try #require(
            try GamenetCommand.parseAsRoot([
                "proxy", "udp://:7777", "tcp://[::1]:7350", "--framing", "len16", "--udp-timeout", "90s",
                "--wait", "250ms", "--max-conns", "8", "-v",
            ]) as? GamenetCommand.Proxy
        )
        #expect(command.listen == .network(NetworkEndpoint(transport: .udp, host: "", port: 7777)))
        #expect(command.target == .network(NetworkEndpoint(transport: .tcp, host: "::1", port: 7350)))
        #expect(command.relay.framing == .len16)
        #expect(command.udpTimeout == .seconds(90))
        #expect(command.relay.wait == .milliseconds(250))
        #expect(command.maxConnections == 8)
        #expect(command.global.verbose == 1)
    }

    @Test func tunnelClientTakesConnections() throws {
        let command = try #require(
            try GamenetCommand.parseAsRoot([
                "tunnel", "client", "tcp://127.0.0.1:2222", "udp://127.0.0.1:29900", "--conn", "3", "--crypt", "none",
            ]) as? GamenetCommand.Tunnel.Client
        )
        #expect(command.conn == 3)
        let defaults = try #require(
            try GamenetCommand.parseAsRoot([
                "tunnel", "client", "tcp://:2222", "udp://127.0.0.1:29900", "--crypt", "none",
            ])
                as? GamenetCommand.Tunnel.Client
        )
        #expect(defaults.conn == 1)
        #expect(throws: (any Error).self) {
            try GamenetCommand.parseAsRoot([
                "tunnel", "client", "tcp://:2222", "udp://127.0.0.1:1", "--conn", "0", "--crypt", "none",
            ])
        }
        #expect(throws: (any Error).self) {
            try GamenetCommand.parseAsRoot([
                "tunnel", "client", "udp://:7777", "udp://127.0.0.1:1", "--conn", "2", "--crypt", "none",
            ])
        }
    }

    @Test func proxyDefaults() throws {
        let command = try #require(
            try GamenetCommand.parseAsRoot(["proxy", "-", "tcp://127.0.0.1:7350"]) as? GamenetCommand.Proxy
        )
        #expect(command.listen == .standardIO)
        #expect(command.relay.framing == nil)
        #expect(command.udpTimeout == .seconds(60))
        #expect(command.relay.wait == .seconds(1))
        #expect(command.relay.connectTimeout == .seconds(10))
        #expect(command.maxConnections == 1024)
        #expect(command.global.level == .warning)
    }

    @Test func connectParsesScriptOptions() throws {
        let command = try #require(
            try GamenetCommand.parseAsRoot([
                "connect", "udp://127.0.0.1:7350", "--send", "ping", "--count", "3", "--wait", "2s", "-q",
            ]) as? GamenetCommand.Connect
        )
        #expect(command.send == "ping")
        #expect(command.count == 3)
        #expect(command.relay.wait == .seconds(2))
        #expect(command.global.level == .error)
    }

    @Test func serveParsesListenAddress() throws {
        let command = try #require(
            try GamenetCommand.parseAsRoot(["serve", "--echo", "--listen", "[::1]:0", "--idle-timeout", "2m"])
                as? GamenetCommand.Serve
        )
        #expect(command.listen.host == "::1")
        #expect(command.listen.port == 0)
        #expect(command.idleTimeout == .seconds(120))
    }

    @Test func serveDefaultsToPort7350OnEveryInterface() throws {
        let command = try #require(try GamenetCommand.parseAsRoot(["serve", "--echo"]) as? GamenetCommand.Serve)
        #expect(command.listen.listeningHost == "0.0.0.0")
        #expect(command.listen.port == 7350)
    }

    @Test func logLevelOverridesVerbosity() throws {
        let command = try #require(
            try GamenetCommand.parseAsRoot(["serve", "--echo", "-vv", "--log-level", "error"]) as? GamenetCommand.Serve
        )
        #expect(command.global.level == .error)
    }

    @Test(arguments: [
        (["proxy", "tcp://:1", "tcp://h:99999"], "port 99999 out of range 0-65535"),
        (["proxy", "-", "-"], "LISTEN and TARGET cannot both be -"),
        (["proxy", "tcp://:1", "kcp://h:1?mode=turbo"], "unknown mode 'turbo'"),
        (["proxy", "tcp://:1", "tcp://h:1", "--max-conns", "0"], "--max-conns must be at least 1"),
        (
            ["proxy", "tcp://:1", "tcp://h:1", "--framing", "json"],
            "The value 'json' is invalid for '--framing <framing>'"
        ),
        (["proxy", "tcp://:1", "tcp://h:1", "--wait", "5"], "The value '5' is invalid for '--wait <wait>'"),
        (["connect", "-"], "URL must be a network endpoint, not -"),
        (["connect", "udp://h:1", "--count", "0"], "--count must be at least 1"),
        (["serve", "--rate", "0"], "--rate must be at least 1"),
        (["serve", "--max-game-message-size", "10"], "--max-game-message-size must be between 64 bytes and 4GiB"),
        (["serve", "--echo", "--listen", "tcp://:1"], "expected HOST:PORT without a scheme"),
        (["serve", "--echo", "--listen", "host"], "missing port after host 'host'"),
        (["serve", "--echo", "--log-level", "loud"], "The value 'loud' is invalid for '--log-level <log-level>'"),
    ])
    func badCommandLinesAreUsageErrors(arguments: [String], message: String) {
        do {
            _ = try GamenetCommand.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(GamenetCommand.exitCode(for: error).rawValue == 64)
            #expect(GamenetCommand.message(for: error).contains(message), "\(GamenetCommand.message(for: error))")
        }
    }
}
