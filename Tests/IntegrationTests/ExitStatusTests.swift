import Foundation
import Testing

/// What a user sees when something is wrong: one line on standard error and a sysexits status.
@Suite(.timeLimit(.minutes(1)))
struct ExitStatusTests {
    /// Runs gamenet to completion and returns its status and standard error.
    private func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, error: String) {
        let process = try ChildProcess(Peers.gamenet, arguments)
        if let input {
            try process.write(Data(input.utf8))
        }
        try process.closeInput()
        let status = try process.waitForExit(timeout: 20)
        return (status, process.standardError)
    }

    @Test func refusedTCPTargetExits69() throws {
        let port = try Launch.closedTCPPort()
        let result = try self.run(["connect", "tcp://127.0.0.1:\(port)"])
        #expect(result.status == 69)
        #expect(result.error == "gamenet: error: cannot connect to tcp://127.0.0.1:\(port): Connection refused\n")
    }

    @Test func refusedTargetOfAStandardIOProxyExits69() throws {
        let port = try Launch.closedTCPPort()
        let result = try self.run(["proxy", "-", "tcp://127.0.0.1:\(port)"], input: "hello")
        #expect(result.status == 69)
        #expect(result.error.hasPrefix("gamenet: error: cannot connect to tcp://127.0.0.1:\(port)"))
    }

    @Test func udpPeerThatIsNotThereExits69() throws {
        let port = try Launch.closedTCPPort()
        let result = try self.run(["connect", "udp://127.0.0.1:\(port)", "--send", "anyone?", "--wait", "2s"])
        #expect(result.status == 69)
        #expect(result.error.contains("Connection refused"))
    }

    @Test(arguments: [
        ("tcp://127.0.0.1:99999", "port 99999 out of range 0-65535"),
        ("tcp//127.0.0.1:80", "missing scheme"),
        ("http://127.0.0.1:80", "unknown scheme 'http'"),
        ("tcp://127.0.0.1", "missing port after host '127.0.0.1'"),
        ("tcp://::1:80", "must be written in brackets"),
        ("tcp://127.0.0.1:80/path", "unexpected path '/path'"),
        ("udp://host:port", "bad port 'port'"),
    ])
    func badURLExits64NamingTheBadPart(url: String, reason: String) throws {
        let result = try self.run(["connect", url])
        #expect(result.status == 64)
        #expect(result.error.hasPrefix("gamenet: error: "))
        #expect(result.error.contains(reason))
        #expect(result.error.split(separator: "\n").count == 1)
    }

    @Test func badKCPOptionExits64NamingIt() throws {
        let result = try self.run(["connect", "kcp://127.0.0.1:4000?mtu=12"])
        #expect(result.status == 64)
        #expect(result.error.contains("bad mtu '12'"))
        let unknown = try self.run(["connect", "kcp://127.0.0.1:4000?turbo=1"])
        #expect(unknown.status == 64)
        #expect(unknown.error.contains("unknown option 'turbo'"))
    }

    @Test func badOptionValueExits64() throws {
        let result = try self.run(["proxy", "--wait", "soon", "-", "tcp://127.0.0.1:1"])
        #expect(result.status == 64)
        #expect(result.error.contains("--wait"))
        #expect(result.error.split(separator: "\n").count == 1)
    }

    @Test func portInUseExits69() throws {
        let first = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { first.process.terminate() }
        let result = try self.run(["proxy", "tcp://127.0.0.1:\(first.port)", "tcp://127.0.0.1:1"])
        #expect(result.status == 69)
        #expect(result.error.contains("cannot listen on tcp://127.0.0.1:\(first.port)"))
    }
}
