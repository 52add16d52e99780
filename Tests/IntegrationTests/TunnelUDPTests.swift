import Foundation
import Testing

/// `gamenet tunnel` for datagrams (FEC and the AEAD, no retransmission): a 60 Hz game-like flow echoed through the
/// tunnel across `gamenet impair` at 10% loss each way, against the same flow through the impaired link alone.
@Suite(
    .enabled(if: Peers.available("socat"), "socat is not installed: apt-get install socat"),
    .timeLimit(.minutes(1))
)
struct TunnelUDPTests {
    static let packets = 240

    /// Sends `packets` numbered datagrams of 100 bytes at 60 Hz to `port` and returns the fraction echoed back.
    static func deliveredRatio(port: Int) throws -> Double {
        let socket = try UDPTestClient(port: port, receiveTimeout: 0.004)
        var received = Set<UInt32>()
        let start = Date()
        func collect(until deadline: Date) {
            while Date() < deadline {
                if let datagram = socket.receive(), datagram.count == 100 {
                    received.insert(datagram.prefix(4).reduce(0) { $0 << 8 | UInt32($1) })
                }
            }
        }
        for sequence in 0..<UInt32(Self.packets) {
            var datagram = [UInt8](repeating: 0x47, count: 100)
            for byte in 0..<4 { datagram[byte] = UInt8(truncatingIfNeeded: sequence >> (24 - 8 * UInt32(byte))) }
            try socket.send(datagram)
            collect(until: start.addingTimeInterval(Double(sequence + 1) / 60))
        }
        collect(until: Date().addingTimeInterval(0.5))
        return Double(received.count) / Double(Self.packets)
    }

    @Test func sixtyHertzFlowThroughTenPercentLoss() throws {
        // One echo per path, without fork: socat's forking UDP listener loses datagrams while it hands a peer over.
        let (echo, echoPort) = try Launch.socatListening(["UDP-LISTEN:0,bind=127.0.0.1", "PIPE"])
        defer { echo.terminate() }
        let (bareEcho, bareEchoPort) = try Launch.socatListening(["UDP-LISTEN:0,bind=127.0.0.1", "PIPE"])
        defer { bareEcho.terminate() }
        let key = ["--key", "correct horse battery"]
        let (server, serverPort) = try Launch.gamenetListening(
            ["tunnel", "server", "udp://127.0.0.1:0", "udp://127.0.0.1:\(echoPort)"] + key
        )
        defer { server.terminate() }
        let (impair, impairPort) = try Launch.gamenetListening(
            ["impair", "udp://127.0.0.1:0", "udp://127.0.0.1:\(serverPort)", "--loss", "10%", "--seed", "11"])
        defer { impair.terminate() }
        let (client, clientPort) = try Launch.gamenetListening(
            ["tunnel", "client", "udp://127.0.0.1:0", "udp://127.0.0.1:\(impairPort)"] + key
        )
        defer { client.terminate() }
        let (bare, barePort) = try Launch.gamenetListening(
            ["impair", "udp://127.0.0.1:0", "udp://127.0.0.1:\(bareEchoPort)", "--loss", "10%", "--seed", "11"])
        defer { bare.terminate() }

        let tunnelled = try Self.deliveredRatio(port: clientPort)
        let direct = try Self.deliveredRatio(port: barePort)
        print(
            "tunnel UDP 60 Hz, 10% loss each way, round trip delivered: tunnel \(tunnelled), without tunnel \(direct)"
        )
        // Without FEC about 0.81 of round trips survive; 10:3 with an 8 ms flush loses almost none (1.0 or 0.99 on an
        // idle machine; the bound leaves room for a loaded one).
        #expect(direct < 0.9)
        #expect(tunnelled >= 0.95)
        client.signal(SIGTERM)
        let lines = try client.waitForStandardError(matching: #"tunnel: .* ([0-9]+) FEC recovered"#)
        #expect(Int(lines[1])! > 0)
    }

    @Test func udpIsRefusedWithKcptunCompatibility() throws {
        let process = try ChildProcess(
            Peers.gamenet,
            ["tunnel", "client", "udp://127.0.0.1:0", "udp://127.0.0.1:9", "--compat", "kcptun", "--nocomp"]
        )
        #expect(try process.waitForExit() == 64)
        _ = try process.waitForStandardError(matching: "gamenet: error: kcptun carries TCP only")
    }
}
