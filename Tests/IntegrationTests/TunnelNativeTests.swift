import Foundation
import Testing

/// `gamenet tunnel` in its own mode (AEAD per datagram, native FEC framing with a flush timeout, smux v2) end to end
/// on loopback, directly and through `gamenet impair` at 10% loss each way, against a socat echo target.
@Suite(
    .enabled(if: Peers.available("socat"), "socat is not installed: apt-get install socat"),
    .timeLimit(.minutes(2))
)
struct TunnelNativeTests {
    static func tunnel(
        crypt: String,
        impairLoss: String? = nil,
        extra: [String] = [],
        clientExtra: [String] = []
    ) throws -> (processes: [ChildProcess], port: Int) {
        let (echo, echoPort) = try TunnelKcptunTests.echoTarget()
        var processes = [echo]
        let keyArguments =
            crypt == "none" ? ["--crypt", "none"] : ["--crypt", crypt, "--key", "correct horse battery"]
        let (server, udpPort) = try Launch.gamenetListening(
            ["tunnel", "server", "udp://127.0.0.1:0", "tcp://127.0.0.1:\(echoPort)"] + keyArguments + extra
        )
        processes.append(server)
        var serverPort = udpPort
        if let impairLoss {
            let (impair, impairPort) = try Launch.gamenetListening(
                ["impair", "udp://127.0.0.1:0", "udp://127.0.0.1:\(udpPort)", "--loss", impairLoss, "--seed", "7"])
            processes.append(impair)
            serverPort = impairPort
        }
        let (client, port) = try Launch.gamenetListening(
            ["tunnel", "client", "tcp://127.0.0.1:0", "udp://127.0.0.1:\(serverPort)"] + keyArguments + extra
                + clientExtra
        )
        processes.append(client)
        return (processes, port)
    }

    @Test(arguments: ["chacha20-poly1305", "aes-256-gcm", "none"])
    func parallelStreamsByteExact(crypt: String) throws {
        let (processes, port) = try Self.tunnel(crypt: crypt)
        defer { for process in processes { process.terminate() } }
        try TunnelKcptunTests.echoThrough(port: port)
    }

    /// `--conn 3`: streams spread over three KCP sessions on three UDP sockets, each a flow of the server.
    @Test func parallelStreamsOverThreeConnections() throws {
        let (processes, port) = try Self.tunnel(
            crypt: "chacha20-poly1305",
            extra: ["--json"],
            clientExtra: ["--conn", "3"]
        )
        defer { for process in processes { process.terminate() } }
        try TunnelKcptunTests.echoThrough(port: port, streams: 6, bytesPerStream: 1 << 20)
        let server = processes[1]
        let output = server.waitForStandardOutput(count: .max, timeout: 2.5)
        #expect(String(decoding: output, as: UTF8.self).contains(#""flows":3"#))
    }

    @Test func parallelStreamsThroughTenPercentLoss() throws {
        let (processes, port) = try Self.tunnel(crypt: "chacha20-poly1305", impairLoss: "10%")
        defer { for process in processes { process.terminate() } }
        do {
            try TunnelKcptunTests.echoThrough(port: port)
        } catch {
            // What the tunnel's ends and the impair link logged, to tell a stalled session from a lost stream.
            let logs = processes.dropFirst().map { $0.standardError }.joined(separator: "\n---\n")
            throw TestFailure("\(error)\nlogs of server, impair, client:\n\(logs)")
        }
        // The client's summary counts what FEC rebuilt.
        let client = processes.last!
        client.signal(SIGTERM)
        let lines = try client.waitForStandardError(matching: #"tunnel: .* ([0-9]+) FEC recovered"#)
        #expect(Int(lines[1])! > 0)
    }

    @Test func keyIsRequiredForEncryption() throws {
        let process = try ChildProcess(Peers.gamenet, ["tunnel", "server", "udp://127.0.0.1:0", "tcp://127.0.0.1:9"])
        #expect(try process.waitForExit() == 64)
        _ = try process.waitForStandardError(matching: "gamenet: error: --key is required unless --crypt none")
    }

    @Test func wrongKeyDeliversNothing() throws {
        let (echo, echoPort) = try TunnelKcptunTests.echoTarget()
        defer { echo.terminate() }
        let (server, udpPort) = try Launch.gamenetListening(
            ["tunnel", "server", "udp://127.0.0.1:0", "tcp://127.0.0.1:\(echoPort)", "--key", "right"])
        defer { server.terminate() }
        let (client, port) = try Launch.gamenetListening(
            ["tunnel", "client", "tcp://127.0.0.1:0", "udp://127.0.0.1:\(udpPort)", "--key", "wrong"])
        defer { client.terminate() }
        let connection = try TCPTestClient(port: port, timeout: 2)
        try connection.send(Array("hello".utf8))
        #expect(throws: (any Error).self) { _ = try connection.receive(upTo: 5) }
        server.signal(SIGTERM)
        let lines = try server.waitForStandardError(matching: #"tunnel: .* ([0-9]+) crypto failures"#)
        #expect(Int(lines[1])! > 0)
    }

    @Test func jsonCountersEverySecondAndSummary() throws {
        let (processes, port) = try Self.tunnel(crypt: "chacha20-poly1305", extra: ["--json"])
        defer { for process in processes { process.terminate() } }
        let connection = try TCPTestClient(port: port)
        try connection.send(Array("ping".utf8))
        #expect(try connection.receive(upTo: 4) == Array("ping".utf8))
        let client = processes.last!
        // The listening event, then a stats line within about a second.
        let output = client.waitForStandardOutput(count: 300, timeout: 3)
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.contains(#"{"event":"listening","url":"tcp://127.0.0.1:"#))
        #expect(text.contains(#""event":"stats""#))
        #expect(text.contains(#""packets_out":"#) && text.contains(#""crypto_failures":0"#))
    }
}
