import Foundation
import Testing

/// `gamenet bench`, every mode for a second or two, read back through `--json`.
@Suite(.timeLimit(.minutes(2)))
struct BenchTests {
    /// Runs gamenet with `arguments` and returns its JSON report.
    private static func report(_ arguments: [String], timeout: TimeInterval = 60) throws -> [String: Any] {
        let process = try ChildProcess(Peers.gamenet, arguments + ["--json"])
        defer { process.terminate() }
        let status = try process.waitForExit(timeout: timeout)
        let errors = process.standardError
        #expect(status == 0, "gamenet \(arguments.joined(separator: " ")): \(errors)")
        let object = try JSONSerialization.jsonObject(with: process.standardOutput) as? [String: Any]
        return try #require(object, "the output is one JSON object")
    }

    private static func results(_ report: [String: Any]) throws -> [[String: Any]] {
        try #require(report["results"] as? [[String: Any]])
    }

    @Test func comparesEveryTransportInProcess() throws {
        let report = try Self.report(["bench", "--duration", "200ms", "--warmup", "50ms", "--size", "32", "--size", "1200"])
        #expect(report["mode"] as? String == "compare")
        #expect((report["cpus"] as? Int ?? 0) >= 1)
        #expect(report["gamenet_version"] as? String != nil)
        let results = try Self.results(report)
        #expect(results.map { $0["transport"] as? String } == ["tcp", "tcp", "ws", "ws", "udp", "udp", "kcp", "kcp"])
        for result in results {
            let count = result["count"] as? Int ?? 0
            #expect(count > 10, "\(result["transport"] ?? "?") measured round trips")
            let p50 = result["p50_us"] as? Double ?? 0
            let p99 = result["p99_us"] as? Double ?? 0
            let maximum = result["max_us"] as? Double ?? 0
            #expect(p50 > 0 && p50 <= p99 && p99 <= maximum)
            #expect(result["messages_per_second"] as? Double ?? 0 > 0)
        }
    }

    @Test func measuresAnEchoPeerInOpenLoopAndDrawsAPlot() throws {
        let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { server.process.terminate() }
        let plot = FileManager.default.temporaryDirectory.appendingPathComponent("gamenet-bench-\(UUID()).svg")
        defer { try? FileManager.default.removeItem(at: plot) }
        let report = try Self.report([
            "bench", "rtt", "tcp://127.0.0.1:\(server.port)", "ws://127.0.0.1:\(server.port)/",
            "--rate", "500/s", "--connections", "2", "--duration", "500ms", "--warmup", "100ms", "--plot", plot.path,
        ])
        let results = try Self.results(report)
        #expect(results.count == 2)
        for result in results {
            #expect(result["pacing"] as? String == "open-loop")
            // 2 connections × 500/s × 0.5 s.
            let count = result["count"] as? Int ?? 0
            #expect(count >= 400 && count <= 520, "\(count) round trips at 1,000/s for 0.5 s")
        }
        let svg = try String(contentsOf: plot, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<polyline") && svg.hasSuffix("</svg>\n"))
    }

    @Test func measuresThroughputInProcess() throws {
        let report = try Self.report(["bench", "throughput", "--duration", "300ms", "--warmup", "100ms", "--window", "4"])
        let results = try Self.results(report)
        // tcp bulk and echo, ws bulk and echo, udp echo, kcp bulk and echo.
        #expect(results.count == 7)
        for result in results where (result["window"] as? Int) != 0 {
            #expect(result["messages_per_second"] as? Double ?? 0 > 0, "\(result)")
        }
        #expect(results.allSatisfy { $0["cpu_s"] as? Double != nil })
    }

    @Test func holdsManyConnectionsAndMeasuresTheServer() throws {
        let report = try Self.report(["bench", "conns", "--count", "300", "--hold", "1s", "--interval", "400ms"])
        let results = try Self.results(report)
        #expect(results.map { $0["transport"] as? String } == ["tcp", "ws"])
        for result in results {
            #expect(result["connected"] as? Int == 300)
            #expect(result["failed"] as? Int == 0)
            #expect(result["dropped"] as? Int == 0)
            #expect(result["echoes_received"] as? Int == result["echoes_expected"] as? Int)
            #expect((result["server_rss_idle_bytes"] as? Int ?? 0) > 0)
            #expect(result["server_bytes_per_connection_idle"] as? Double != nil)
        }
    }

    @Test func refusesBadArguments() throws {
        for arguments in [
            ["bench", "--size", "8"],
            ["bench", "rtt", "tcp://127.0.0.1"],
            ["bench", "rtt", "tcp://:7350"],
            ["bench", "rtt", "tcp://127.0.0.1:1", "--rate", "fast"],
            ["bench", "--json", "--csv"],
            ["bench", "conns", "udp://127.0.0.1:1"],
            ["bench", "throughput", "--window", "0"],
            ["bench", "conns", "--csv"],
            ["bench", "loss", "--loss", "lots"],
        ] {
            let process = try ChildProcess(Peers.gamenet, arguments)
            defer { process.terminate() }
            #expect(try process.waitForExit() == 64, "gamenet \(arguments.joined(separator: " "))")
            let errors = process.standardError
            #expect(errors.hasPrefix("gamenet: error: ") && errors.split(separator: "\n").count == 1, "\(errors)")
        }
    }

    @Test func aRefusedPeerIsUnavailable() throws {
        let port = try Launch.closedTCPPort()
        let process = try ChildProcess(Peers.gamenet, ["bench", "rtt", "tcp://127.0.0.1:\(port)", "--duration", "100ms"])
        defer { process.terminate() }
        #expect(try process.waitForExit() == 69)
        let errors = process.standardError
        #expect(errors.hasPrefix("gamenet: error: "), "\(errors)")
    }
}

/// `gamenet bench loss` across its TUN link, in a namespace of its own: it needs root.
@Suite(.timeLimit(.minutes(2)))
struct BenchLossTests {
    private static var canRun: Bool { Peers.isCI || (geteuid() == 0 && FileManager.default.fileExists(atPath: "/dev/net/tun")) }

    @Test(.enabled(if: BenchLossTests.canRun, "bench loss needs root and /dev/net/tun"))
    func kcpBeatsTCPAcrossALossyLink() throws {
        let process = try ChildProcess(
            Peers.gamenet,
            ["bench", "loss", "--delay", "10ms", "--loss", "10%", "--interval", "10ms", "--duration", "1500ms",
             "--warmup", "200ms", "--json"]
        )
        defer { process.terminate() }
        #expect(try process.waitForExit(timeout: 90) == 0, "\(process.standardError)")
        let object = try JSONSerialization.jsonObject(with: process.standardOutput) as? [String: Any]
        let results = try #require(object?["results"] as? [[String: Any]])
        let labels = results.map { "\($0["transport"] as? String ?? "") \($0["variant"] as? String ?? "")" }
        #expect(labels == ["tcp ", "ws ", "kcp normal", "kcp fast", "kcp fast2", "kcp fast3"])
        for result in results {
            #expect(result["count"] as? Int ?? 0 >= 100, "\(result)")
            #expect(result["wire_bytes"] as? Int ?? 0 > 0)
            // 20 ms of delay per round trip: nothing can be faster.
            #expect(result["min_us"] as? Double ?? 0 >= 19_000)
        }
        // With 10% loss each way, TCP waits for retransmission timeouts (200 ms at least) where KCP fast3 resends
        // within a round trip or two.
        let tcpP99 = results[0]["p99_us"] as? Double ?? 0
        let fast3P99 = results[5]["p99_us"] as? Double ?? .infinity
        #expect(fast3P99 < tcpP99, "KCP fast3 p99 \(fast3P99) µs against TCP's \(tcpP99) µs")
        #expect(try netnsList().contains("gamenet-") == false, "the namespace is deleted")
    }

    private func netnsList() throws -> String {
        let process = try ChildProcess("/usr/sbin/ip", ["netns", "list"])
        _ = try process.waitForExit()
        return String(decoding: process.standardOutput, as: UTF8.self)
    }
}
