import Foundation
import Testing

/// `gamenet tunnel --compat kcptun` against the real kcptun (Debian's `kcptun` package), both ways: gamenet's client
/// to `kcptun-server`, and `kcptun-client` to gamenet's server, through a `gamenet serve --echo` target on 127.0.0.1.
/// Each case sends bytes on several parallel streams and reads every one back byte-exact; the long transfers are in
/// ``TunnelKcptunLongTransferTests``.
@Suite(
    .enabled(if: Peers.available("kcptun-server"), "kcptun is not installed: apt-get install kcptun"),
    .timeLimit(.minutes(2))
)
struct TunnelKcptunTests {
    struct Case: CustomStringConvertible, Sendable {
        var crypt: String
        var smuxver: Int
        var fec: (Int, Int)
        var description: String { "crypt \(crypt), smux v\(smuxver), FEC \(fec.0):\(fec.1)" }

        var gamenetArguments: [String] {
            [
                "--compat", "kcptun", "--crypt", crypt, "--smuxver", "\(smuxver)", "--fec", "\(fec.0):\(fec.1)",
                "--nocomp", "--mode", "fast3", "--sndwnd", "256", "--rcvwnd", "256",
            ]
        }

        var kcptunArguments: [String] {
            [
                "--crypt", crypt, "--smuxver", "\(smuxver)", "--datashard", "\(fec.0)", "--parityshard", "\(fec.1)",
                "--nocomp", "--mode", "fast3", "--sndwnd", "256", "--rcvwnd", "256", "--quiet",
            ]
        }
    }

    static let cases: [Case] = [
        Case(crypt: "none", smuxver: 1, fec: (10, 3)),
        Case(crypt: "none", smuxver: 2, fec: (0, 0)),
        Case(crypt: "aes", smuxver: 1, fec: (0, 0)),
        Case(crypt: "aes", smuxver: 2, fec: (10, 3)),
    ]

    /// Bytes each stream sends and reads back.
    static let bytesPerStream = 2 << 20
    static let streams = 4

    /// The echo target behind a tunnel's far end. Not socat's `PIPE`: socat writes what it read into its own pipe
    /// with a blocking write, and once the pipe is nearly full (the tunnel carries the echo back slower than the
    /// data came in) that write waits for a reader that is socat itself, and the echo stops for good.
    static func echoTarget() throws -> (ChildProcess, Int) {
        try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
    }

    /// Opens `streams` connections to `port`; on each, one thread sends a seeded pattern while this one reads it
    /// back; every byte must match.
    /// kcptun's server for `testCase` in front of the echo target on `echoPort`, started and past its key
    /// derivation, and the UDP port it listens on.
    static func startKcptunServer(_ testCase: Case, target echoPort: Int) throws -> (ChildProcess, udpPort: Int) {
        let kcptunServer = try Peers.require("kcptun-server", package: "kcptun")
        let udpPort = try Launch.closedUDPPort()
        let server = try ChildProcess(
            kcptunServer,
            ["--listen", "127.0.0.1:\(udpPort)", "--target", "127.0.0.1:\(echoPort)"] + testCase.kcptunArguments
        )
        do {
            _ = try server.waitForStandardError(matching: "key derivation done")
        } catch {
            server.terminate()
            throw error
        }
        return (server, udpPort)
    }

    static func echoThrough(
        port: Int,
        streams: Int = Self.streams,
        bytesPerStream: Int = Self.bytesPerStream,
        timeout: TimeInterval = 60
    ) throws {
        let failures = FailureList()
        let group = DispatchGroup()
        for index in 0..<streams {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    var payload = [UInt8](repeating: 0, count: bytesPerStream)
                    var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
                    for offset in payload.indices {
                        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                        payload[offset] = UInt8(truncatingIfNeeded: state >> 33)
                    }
                    let client = try TCPTestClient(port: port, timeout: 15)
                    let sent = payload
                    let sender = Thread { try? client.send(sent) }
                    sender.start()
                    let echoed = try client.receive(upTo: payload.count)
                    if echoed != payload {
                        let first =
                            zip(echoed, payload).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                            ?? min(echoed.count, payload.count)
                        throw TestFailure("stream \(index): \(echoed.count) bytes back, first difference at \(first)")
                    }
                } catch {
                    failures.append("\(error)")
                }
            }.start()
        }
        guard group.wait(timeout: .now() + timeout) == .success else {
            throw TestFailure("streams did not finish in \(Int(timeout)) s")
        }
        let all = failures.all
        if !all.isEmpty { throw TestFailure(all.joined(separator: "; ")) }
    }

    @Test(arguments: Self.cases)
    func gamenetClientToKcptunServer(_ testCase: Case) throws {
        let (echo, echoPort) = try Self.echoTarget()
        defer { echo.terminate() }
        let (server, udpPort) = try Self.startKcptunServer(testCase, target: echoPort)
        defer { server.terminate() }
        let (client, port) = try Launch.gamenetListening(
            ["tunnel", "client", "tcp://127.0.0.1:0", "udp://127.0.0.1:\(udpPort)"] + testCase.gamenetArguments
        )
        defer { client.terminate() }
        try Self.echoThrough(port: port)
    }

    @Test(arguments: Self.cases)
    func kcptunClientToGamenetServer(_ testCase: Case) throws {
        let kcptunClient = try Peers.require("kcptun-client", package: "kcptun")
        let (echo, echoPort) = try Self.echoTarget()
        defer { echo.terminate() }
        let (server, udpPort) = try Launch.gamenetListening(
            ["tunnel", "server", "udp://127.0.0.1:0", "tcp://127.0.0.1:\(echoPort)"] + testCase.gamenetArguments
        )
        defer { server.terminate() }
        let tcpPort = try Launch.closedTCPPort()
        let client = try ChildProcess(
            kcptunClient,
            ["--localaddr", "127.0.0.1:\(tcpPort)", "--remoteaddr", "127.0.0.1:\(udpPort)"]
                + testCase.kcptunArguments
        )
        defer { client.terminate() }
        _ = try client.waitForStandardError(matching: "key derivation done")
        try Self.echoThrough(port: tcpPort)
    }

    /// The property the tunnel tests need of their echo target, which socat's `PIPE` lacks: a reader that stops for a
    /// while (the tunnel's return path backing up) only delays the echo.
    @Test func echoTargetKeepsEchoingAfterAPausedReader() throws {
        let (echo, echoPort) = try Self.echoTarget()
        defer { echo.terminate() }
        let payload = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 12) }
        let client = try TCPTestClient(port: echoPort, timeout: 10)
        let sender = Thread { try? client.send(payload) }
        sender.start()
        Thread.sleep(forTimeInterval: 1)
        #expect(try client.receive(upTo: payload.count) == payload)
    }

    /// `--conn 2`: two KCP sessions on two UDP sockets, which kcptun's server takes as two clients; streams alternate.
    @Test(arguments: [1, 2] as [UInt8])
    func gamenetClientWithTwoConnectionsToKcptunServer(smuxver: UInt8) throws {
        let testCase = Case(crypt: "aes", smuxver: Int(smuxver), fec: (10, 3))
        let (echo, echoPort) = try Self.echoTarget()
        defer { echo.terminate() }
        let (server, udpPort) = try Self.startKcptunServer(testCase, target: echoPort)
        defer { server.terminate() }
        let (client, port) = try Launch.gamenetListening(
            ["tunnel", "client", "tcp://127.0.0.1:0", "udp://127.0.0.1:\(udpPort)", "--conn", "2", "--json"]
                + testCase.gamenetArguments
        )
        defer { client.terminate() }
        try Self.echoThrough(port: port)
        // Both sessions are up: the client's counters count two flows.
        let output = client.waitForStandardOutput(count: .max, timeout: 2.5)
        #expect(String(decoding: output, as: UTF8.self).contains(#""flows":2"#))
    }

    @Test func bothWaysThroughTenPercentLoss() throws {
        let testCase = Case(crypt: "aes", smuxver: 2, fec: (10, 3))
        let kcptunClient = try Peers.require("kcptun-client", package: "kcptun")
        let (echo, echoPort) = try Self.echoTarget()
        defer { echo.terminate() }
        // gamenet's client, through impair, to kcptun's server.
        let (server, udpPort) = try Self.startKcptunServer(testCase, target: echoPort)
        defer { server.terminate() }
        let (impairUp, impairUpPort) = try Launch.gamenetListening(
            ["impair", "udp://127.0.0.1:0", "udp://127.0.0.1:\(udpPort)", "--loss", "10%", "--seed", "3"])
        defer { impairUp.terminate() }
        let (client, port) = try Launch.gamenetListening(
            ["tunnel", "client", "tcp://127.0.0.1:0", "udp://127.0.0.1:\(impairUpPort)"] + testCase.gamenetArguments
        )
        defer { client.terminate() }
        // kcptun's client, through impair, to gamenet's server.
        let (gamenetServer, gamenetPort) = try Launch.gamenetListening(
            ["tunnel", "server", "udp://127.0.0.1:0", "tcp://127.0.0.1:\(echoPort)"] + testCase.gamenetArguments
        )
        defer { gamenetServer.terminate() }
        let (impairDown, impairDownPort) = try Launch.gamenetListening(
            ["impair", "udp://127.0.0.1:0", "udp://127.0.0.1:\(gamenetPort)", "--loss", "10%", "--seed", "4"])
        defer { impairDown.terminate() }
        let tcpPort = try Launch.closedTCPPort()
        let otherClient = try ChildProcess(
            kcptunClient,
            ["--localaddr", "127.0.0.1:\(tcpPort)", "--remoteaddr", "127.0.0.1:\(impairDownPort)"]
                + testCase.kcptunArguments
        )
        defer { otherClient.terminate() }
        _ = try otherClient.waitForStandardError(matching: "key derivation done")
        try Self.echoThrough(port: port, streams: 2, bytesPerStream: 1 << 20)
        try Self.echoThrough(port: tcpPort, streams: 2, bytesPerStream: 1 << 20)
    }

    @Test func compressionIsRefusedWithoutNocomp() throws {
        let process = try ChildProcess(
            Peers.gamenet,
            ["tunnel", "client", "tcp://127.0.0.1:0", "udp://127.0.0.1:9", "--compat", "kcptun"]
        )
        #expect(try process.waitForExit() == 64)
        let lines = try process.waitForStandardError(matching: "gamenet: error: (.*--nocomp.*)")
        #expect(lines[1].contains("snappy"))
    }
}

/// Failures collected from several threads.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String] = []

    func append(_ failure: String) {
        self.lock.withLock { self.failures.append(failure) }
    }

    var all: [String] { self.lock.withLock { self.failures } }
}
