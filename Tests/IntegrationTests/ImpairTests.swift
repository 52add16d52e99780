import Foundation
import GamenetCore
import Testing

/// `gamenet impair` over real UDP on 127.0.0.1: the delay it adds, the share it drops, the control API, the seed,
/// and what it says about bad input.
///
/// The test is both ends: a ``PacedUDPSender`` sends to impair's LISTEN port, and impair's TARGET is a ``UDPSink``
/// bound in this process, so a datagram's one-way delay is its arrival time minus the send time stamped in it, both
/// read from the same monotonic clock. Serialized, since the timing tests want the CPUs to themselves.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ImpairTests {
    /// Starts `impair udp://127.0.0.1:0 udp://127.0.0.1:TARGET OPTIONS` and returns it with its UDP port.
    private func startImpair(target: Int, _ options: [String]) throws -> (process: ChildProcess, port: Int) {
        try Launch.gamenetListening(["impair", "udp://127.0.0.1:0", "udp://127.0.0.1:\(target)"] + options)
    }

    /// Runs gamenet to completion and returns its status and output.
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = try ChildProcess(Peers.gamenet, arguments)
        try process.closeInput()
        let status = try process.waitForExit(timeout: 20)
        return (status, String(decoding: process.standardOutput, as: UTF8.self), process.standardError)
    }

    private static func microseconds(_ nanoseconds: Int64) -> String {
        String(format: "%.1f µs", Double(nanoseconds) / 1e3)
    }

    // MARK: - Delay

    @Test func delayOf50msIsAccurateAndNeverEarly() throws {
        // 10 s at 1,000 datagrams/s; GAMENET_QUICK_TESTS=1 shortens it to 3 s for a quick local run.
        let seconds = ProcessInfo.processInfo.environment["GAMENET_QUICK_TESTS"] == "1" ? 3 : 10
        // Timing on a shared two-core machine: a run in which the test's own receive thread waited for a CPU shows
        // late tails that are not the shaper's. Up to three runs are made; every one must deliver every datagram
        // and none early, and one must meet the p50 and p99 bounds.
        var attempts: [(p50: Int64, p99: Int64)] = []
        for _ in 0..<3 {
            let (p50, p99) = try self.measureDelay(seconds: seconds)
            attempts.append((p50, p99))
            if p50 <= 300_000, p99 <= 1_000_000 { break }
        }
        let best = attempts.min { $0.p99 < $1.p99 }!
        #expect(best.p50 <= 300_000, "p50 of measured - configured is \(Self.microseconds(best.p50)), over 0.3 ms")
        #expect(best.p99 <= 1_000_000, "p99 of measured - configured is \(Self.microseconds(best.p99)), over 1 ms")
    }

    /// One run of 1,000 datagrams/s through `--delay 50ms`; checks completeness and that nothing is early, and
    /// returns the p50 and p99 of measured - configured one-way delay in nanoseconds.
    private func measureDelay(seconds: Int) throws -> (p50: Int64, p99: Int64) {
        let count = seconds * 1_000
        let configured: Int64 = 50_000_000

        let sink = try UDPSink()
        defer { sink.stop() }
        let impair = try self.startImpair(target: sink.port, ["--delay", "50ms", "--seed", "1"])
        defer { impair.process.terminate() }
        let sender = try PacedUDPSender(port: impair.port)
        try sender.send(count: count, intervalNanoseconds: 1_000_000)
        sink.waitForCount(count, timeout: 5)

        let arrivals = sink.received
        #expect(arrivals.count == count, "every datagram arrives, once")
        #expect(Set(arrivals.map(\.sequence)).count == arrivals.count, "no datagram arrives twice")
        let errors = arrivals.map { $0.receivedNanoseconds - $0.sentNanoseconds - configured }
        try #require(!errors.isEmpty)
        let error = Percentiles(errors)
        let early = errors.filter { $0 < 0 }.count
        print(
            "impair --delay 50ms, \(arrivals.count)/\(count) datagrams at 1000/s: measured - configured "
                + "min \(Self.microseconds(error.min)) p50 \(Self.microseconds(error(50))) "
                + "p99 \(Self.microseconds(error(99))) max \(Self.microseconds(error.max)); \(early) early"
        )
        #expect(early == 0, "\(early) datagrams released before their 50 ms were up, by as much as \(-error.min) ns")
        return (error(50), error(99))
    }

    // MARK: - Loss

    @Test func lossOf10PercentStaysWithinFourSigma() throws {
        let count = 5_000
        let sink = try UDPSink()
        defer { sink.stop() }
        let impair = try self.startImpair(target: sink.port, ["--loss", "10%", "--seed", "7"])
        defer { impair.process.terminate() }
        let sender = try PacedUDPSender(port: impair.port)
        // 2,000 datagrams/s: slow enough that no socket buffer on the way overflows even when the machine is busy
        // (a stall of the proxy or the sink must not pass for loss).
        try sender.send(count: count, intervalNanoseconds: 500_000)
        let received = sink.waitUntilQuiet(0.3, timeout: 5)

        // Binomial(5000, 0.9): mean 4500, sigma = sqrt(5000 * 0.1 * 0.9) ≈ 21.2.
        let mean = Double(count) * 0.9
        let sigma = (Double(count) * 0.1 * 0.9).squareRoot()
        #expect(abs(Double(received) - mean) <= 4 * sigma, "received \(received) of \(count), expected \(mean) ± \(4 * sigma)")
        let sequences = sink.received.map(\.sequence)
        #expect(Set(sequences).count == sequences.count, "no datagram arrives twice")
        #expect(sequences.allSatisfy { $0 < count })
    }

    // MARK: - Control API

    @Test func controlAPIChangesLossMidRun() throws {
        let sink = try UDPSink()
        defer { sink.stop() }
        let impair = try self.startImpair(target: sink.port, ["--seed", "1", "--control", "127.0.0.1:0"])
        defer { impair.process.terminate() }
        let control = Int(
            try impair.process.waitForStandardError(matching: #"listening on http://127\.0\.0\.1:([0-9]+) \(control\)"#)[1]
        )!
        let settings = try HTTPTestClient.request(port: control, "GET", "/settings")
        #expect(settings.status == 200)
        #expect(try settings.json()["up"] as? String == "none")
        #expect(try settings.json()["seed"] as? Int == 1)

        // One sender, so every batch goes through the same UDP flow: the change applies to a flow already open.
        let sender = try PacedUDPSender(port: impair.port)
        let batch = 200
        let size = 100
        try sender.send(count: batch, intervalNanoseconds: 1_000_000, firstSequence: 0, size: size)
        #expect(sink.waitForCount(batch, timeout: 5) == batch, "a clean link delivers everything")

        let lossy = try HTTPTestClient.request(port: control, "PUT", "/settings", body: #"{"up":"loss 100%"}"#)
        #expect(lossy.status == 200, "PUT answered \(lossy.body)")
        #expect(try lossy.json()["up"] as? String == "loss 100%")
        #expect(try lossy.json()["down"] as? String == "none")
        // The reply comes once the change is queued on the flow's event loop; give the loop a moment to apply it.
        Thread.sleep(forTimeInterval: 0.05)
        try sender.send(count: batch, intervalNanoseconds: 1_000_000, firstSequence: UInt64(batch), size: size)
        #expect(sink.waitUntilQuiet(0.3, timeout: 5) == batch, "nothing arrives through 100% loss")

        // A bad spec is refused with 400, naming the bad token, and changes nothing.
        let bad = try HTTPTestClient.request(port: control, "PUT", "/settings", body: #"{"up":"loss 5% dealy"}"#)
        #expect(bad.status == 400)
        #expect(bad.body.contains("'dealy'"))
        #expect(try HTTPTestClient.request(port: control, "GET", "/settings").json()["up"] as? String == "loss 100%")

        let clean = try HTTPTestClient.request(port: control, "PUT", "/settings", body: #"{"up":"none"}"#)
        #expect(clean.status == 200, "PUT answered \(clean.body)")
        #expect(try clean.json()["up"] as? String == "none")
        Thread.sleep(forTimeInterval: 0.05)
        try sender.send(count: batch, intervalNanoseconds: 1_000_000, firstSequence: UInt64(2 * batch), size: size)
        #expect(sink.waitForCount(2 * batch, timeout: 5) == 2 * batch, "packets arrive again once the loss is gone")
        sink.waitUntilQuiet(0.2, timeout: 2)

        let received = Set(sink.received.map(\.sequence))
        #expect(received == Set((0..<UInt64(batch)).map { $0 } + (UInt64(2 * batch)..<UInt64(3 * batch)).map { $0 }))

        // The counters agree with what was sent and received: every datagram sent reached the shaper, the lossy
        // batch is counted as lost, and what passed is what the sink received.
        let stats = try HTTPTestClient.request(port: control, "GET", "/stats")
        #expect(stats.status == 200)
        let up = try #require(try stats.json()["up"] as? [String: Any])
        let down = try #require(try stats.json()["down"] as? [String: Any])
        #expect(up["received"] as? Int == 3 * batch, "up: \(up)")
        #expect(up["dropped_loss"] as? Int == batch, "up: \(up)")
        #expect(up["passed"] as? Int == received.count, "up: \(up)")
        #expect(up["passed_bytes"] as? Int == received.count * size, "up: \(up)")
        for key in ["dropped_outage", "dropped_queue", "duplicated", "reordered", "corrupted"] {
            #expect(up[key] as? Int == 0, "up.\(key): \(up)")
        }
        #expect(down["received"] as? Int == 0, "the sink sends nothing back: \(down)")

        let reset = try HTTPTestClient.request(port: control, "POST", "/reset")
        #expect(reset.status == 200)
        let zeroed = try #require(try HTTPTestClient.request(port: control, "GET", "/stats").json()["up"] as? [String: Any])
        #expect(zeroed["received"] as? Int == 0 && zeroed["passed"] as? Int == 0, "after /reset: \(zeroed)")
    }

    // MARK: - Bad input

    @Test(arguments: [
        (["--up", "delay 5ms dealy"], "dealy"),
        (["--delay=-5ms"], "-5ms"),
        (["--loss", "200%"], "200%"),
        (["--preset", "moon"], "moon"),
    ])
    func badImpairmentExits64NamingTheToken(options: [String], token: String) throws {
        let result = try self.run(["impair", "udp://127.0.0.1:0", "udp://127.0.0.1:9"] + options)
        #expect(result.status == 64)
        #expect(result.error.hasPrefix("gamenet: error: "))
        #expect(result.error.contains("'\(token)'"), "stderr: \(result.error)")
        #expect(result.error.hasSuffix("\n") && result.error.split(separator: "\n").count == 1, "stderr: \(result.error)")
        #expect(result.output.isEmpty)
    }

    // MARK: - Output

    @Test func listPresetsPrintsEveryPreset() throws {
        let result = try self.run(["impair", "--list-presets"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!ImpairmentPreset.all.isEmpty)
        for preset in ImpairmentPreset.all {
            let matching = lines.filter { $0.hasPrefix(preset.name + " ") }
            #expect(matching.count == 1, "one line for preset \(preset.name): \(result.output)")
            let line = matching.first
            #expect(line?.contains(preset.spec) == true, "preset \(preset.name): \(line ?? "")")
            #expect(line?.hasSuffix(preset.summary) == true, "preset \(preset.name): \(line ?? "")")
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func jsonPrintsStatsEverySecondAndASummaryAtExit(signal: Int32) throws {
        let sink = try UDPSink()
        defer { sink.stop() }
        let impair = try self.startImpair(target: sink.port, ["--json", "--seed", "3"])
        defer { impair.process.terminate() }
        let count = 50
        try PacedUDPSender(port: impair.port).send(count: count, intervalNanoseconds: 1_000_000)
        #expect(sink.waitForCount(count, timeout: 5) == count)

        // A stats line each second: wait (at most 6 s) for two of them.
        let deadline = Date().addingTimeInterval(6)
        while Date() < deadline {
            let text = String(decoding: impair.process.standardOutput, as: UTF8.self)
            if text.components(separatedBy: #"{"event":"stats""#).count > 2 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        impair.process.signal(signal)
        #expect(try impair.process.waitForExit(timeout: 5) == 0)

        let lines = String(decoding: impair.process.standardOutput, as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("not a JSON object: \(line)")
            }
            return object
        }
        #expect(objects.first?["event"] as? String == "listening")
        #expect(objects.first?["url"] as? String == "udp://127.0.0.1:\(impair.port)")
        let stats = objects.filter { $0["event"] as? String == "stats" }
        #expect(stats.count >= 2, "stdout: \(lines)")
        let elapsed = stats.compactMap { $0["elapsed_s"] as? Double }
        #expect(elapsed.count == stats.count && elapsed == elapsed.sorted(), "elapsed_s: \(elapsed)")
        for (index, seconds) in elapsed.enumerated() {
            #expect(abs(seconds - Double(index + 1)) < 0.5, "stats line \(index + 1) at \(seconds) s")
        }
        for line in stats {
            #expect(line["up"] is [String: Any] && line["down"] is [String: Any], "\(line)")
        }

        let summary = try #require(objects.last)
        #expect(summary["event"] as? String == "summary", "the last line is the summary: \(lines.last ?? "")")
        let up = try #require(summary["up"] as? [String: Any])
        #expect(up["received"] as? Int == count, "summary up: \(up)")
        #expect(up["passed"] as? Int == count, "summary up: \(up)")
        #expect(objects.filter { $0["event"] as? String == "summary" }.count == 1)
    }

    // MARK: - Seed

    /// The sequence numbers that arrive of 200 datagrams, one per millisecond, through `impair --loss 30% --seed SEED`.
    private func survivors(seed: Int) throws -> Set<UInt64> {
        let sink = try UDPSink()
        defer { sink.stop() }
        let impair = try self.startImpair(target: sink.port, ["--loss", "30%", "--seed", "\(seed)"])
        defer { impair.process.terminate() }
        try PacedUDPSender(port: impair.port).send(count: 200, intervalNanoseconds: 1_000_000)
        sink.waitUntilQuiet(0.3, timeout: 5)
        return Set(sink.received.map(\.sequence))
    }

    @Test func theSameSeedDropsTheSameDatagrams() throws {
        let first = try self.survivors(seed: 99)
        let second = try self.survivors(seed: 99)
        // Binomial(200, 0.7): mean 140, sigma ≈ 6.5.
        #expect((110...170).contains(first.count), "\(first.count) of 200 arrived through 30% loss")
        #expect(
            first == second,
            "arrived only in the first run: \(first.subtracting(second).sorted()), only in the second: \(second.subtracting(first).sorted())"
        )
        // And the seed is what decides: another one drops others.
        #expect(try self.survivors(seed: 100) != first)
    }
}
