import Foundation
import Testing

/// The Autobahn test suite (`wstest`, the reference conformance suite for RFC 6455) against gamenet's WebSocket
/// server (`serve --echo`) and client (`connect --echo`).
///
/// Sections 12 and 13 test permessage-deflate, which gamenet does not offer (its server declines the extension), so
/// they are left out. Every other case must end OK, NON-STRICT or INFORMATIONAL, and its closing handshake OK or
/// INFORMATIONAL.
@Suite(.enabled(if: Peers.hasWstest, Peers.wstestMissing), .serialized)
struct AutobahnTests {
    /// Every case, the compression ones excepted.
    private static let cases = ["*"]
    private static let excludedCases = ["12.*", "13.*"]

    @Test(.timeLimit(.minutes(2)))
    func serverPassesTheFuzzingClient() throws {
        let wstest = try Peers.requireWstest()
        let directory = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { server.process.terminate() }

        let reports = directory.appendingPathComponent("reports")
        let spec = directory.appendingPathComponent("fuzzingclient.json")
        try Self.writeJSON(
            [
                "outdir": reports.path,
                "servers": [["agent": "gamenet", "url": "ws://127.0.0.1:\(server.port)"]],
                "cases": Self.cases,
                "exclude-cases": Self.excludedCases,
                "exclude-agent-cases": [String: [String]](),
            ],
            to: spec
        )
        let fuzzer = try ChildProcess(wstest, ["-m", "fuzzingclient", "-s", spec.path])
        // wstest does not end on SIGTERM (see `forceStop`).
        defer { fuzzer.forceStop() }
        let status = try fuzzer.waitForExit(timeout: 110)
        let output = String(decoding: fuzzer.standardOutput, as: UTF8.self)
        try #require(
            status == 0,
            "wstest exited \(status): \(output.suffix(2000)) \(fuzzer.standardError.suffix(2000))"
        )

        let results = try Self.readReport(reports, agent: "gamenet")
        if let expected = Self.firstInteger(in: output, matching: #"will run ([0-9]+) test cases"#) {
            #expect(results.count == expected, "the report has \(results.count) of the \(expected) cases wstest ran")
        }
        #expect(results.count > 0)
        let failures = Self.failures(in: results)
        #expect(
            failures.isEmpty,
            "\(failures.count) of \(results.count) cases failed:\n\(failures.joined(separator: "\n"))"
        )
    }

    @Test(.timeLimit(.minutes(2)))
    func clientPassesTheFuzzingServer() async throws {
        let wstest = try Peers.requireWstest()
        let directory = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reports = directory.appendingPathComponent("reports")
        let spec = directory.appendingPathComponent("fuzzingserver.json")

        // wstest takes its port from the spec and prints nothing to read it back: pick a free one and hand it over.
        let port = try Launch.closedTCPPort()
        let base = "ws://127.0.0.1:\(port)"
        try Self.writeJSON(
            [
                "url": base,
                "outdir": reports.path,
                "cases": Self.cases,
                "exclude-cases": Self.excludedCases,
                "exclude-agent-cases": [String: [String]](),
            ],
            to: spec
        )
        // `-u 0`: no embedded web server, which would want port 8080.
        let fuzzer = try ChildProcess(wstest, ["-m", "fuzzingserver", "-s", spec.path, "-u", "0"])
        // wstest does not end on SIGTERM (see `forceStop`).
        defer { fuzzer.forceStop() }
        try Self.waitUntilAccepting(port: port, process: fuzzer, timeout: 30)

        let countClient = try Self.runClient(["connect", "\(base)/getCaseCount", "--count", "1"], timeout: 10)
        let countText = String(decoding: countClient.output, as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        let count = try #require(
            Int(countText),
            "getCaseCount answered \(countText.debugDescription): \(countClient.error)"
        )
        try #require(count > 0)

        // Bounded: each case gets 20 s, and the whole run stops at 100 s so that the report is still read.
        let deadline = Date().addingTimeInterval(100)
        var stuck: [String] = []
        for index in 1...count {
            guard Date() < deadline, !Task.isCancelled else {
                Issue.record("ran out of time after case \(index - 1) of \(count)")
                break
            }
            do {
                _ = try Self.runClient(
                    ["connect", "\(base)/runCase?case=\(index)&agent=gamenet", "--echo"],
                    timeout: 20
                )
            } catch {
                stuck.append("case \(index): \(error)")
                if stuck.count >= 3 { break }
            }
        }
        #expect(stuck.isEmpty, "clients that did not exit:\n\(stuck.joined(separator: "\n"))")
        _ = try Self.runClient(["connect", "\(base)/updateReports?agent=gamenet", "--count", "1"], timeout: 30)

        let results = try Self.readReport(reports, agent: "gamenet")
        #expect(results.count == count, "the report has \(results.count) of the \(count) cases")
        let failures = Self.failures(in: results)
        #expect(
            failures.isEmpty,
            "\(failures.count) of \(results.count) cases failed:\n\(failures.joined(separator: "\n"))"
        )
    }

    // MARK: - Helpers

    /// Runs `gamenet ARGS < /dev/null` to its end; fails if it takes longer than `timeout`.
    private static func runClient(_ arguments: [String], timeout: TimeInterval) throws -> (output: Data, error: String)
    {
        let client = try ChildProcess(Peers.gamenet, arguments, standardInput: URL(fileURLWithPath: "/dev/null"))
        defer { client.terminate() }
        try client.waitForExit(timeout: timeout)
        return (client.standardOutput, client.standardError)
    }

    private static func makeTemporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gamenet-autobahn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private static func writeJSON(_ object: [String: Any], to url: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: url)
    }

    /// Waits until something accepts TCP connections on `port`, for at most `timeout`; fails early if `process` ends.
    private static func waitUntilAccepting(port: Int, process: ChildProcess, timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? TCPTestClient(port: port, timeout: 1)) != nil {
                return
            }
            guard process.process.isRunning else {
                throw TestFailure(
                    "wstest ended before listening on \(port): "
                        + "\(String(decoding: process.standardOutput, as: UTF8.self)) \(process.standardError)"
                )
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("wstest did not listen on \(port) within \(timeout)s")
    }

    /// The cases of `agent` in the report's `index.json`: case id → (behavior, behaviorClose).
    private static func readReport(_ directory: URL, agent: String) throws -> [String: (String, String)] {
        let index = directory.appendingPathComponent("index.json")
        let data = try Data(contentsOf: index)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = root[agent] as? [String: Any]
        else {
            throw TestFailure(
                "no results for \(agent) in \(index.path): \(String(decoding: data.prefix(500), as: UTF8.self))"
            )
        }
        var results: [String: (String, String)] = [:]
        for (id, value) in cases {
            let result = value as? [String: Any] ?? [:]
            results[id] = (result["behavior"] as? String ?? "?", result["behaviorClose"] as? String ?? "?")
        }
        return results
    }

    /// One line per failed case, in case order.
    private static func failures(in results: [String: (String, String)]) -> [String] {
        let passing: Set<String> = ["OK", "NON-STRICT", "INFORMATIONAL"]
        let passingClose: Set<String> = ["OK", "INFORMATIONAL"]
        return results.filter { !passing.contains($0.value.0) || !passingClose.contains($0.value.1) }
            .sorted { Self.caseOrder($0.key, $1.key) }
            .map { "\($0.key): behavior \($0.value.0), behaviorClose \($0.value.1)" }
    }

    /// Orders case ids like `9.10.2` numerically, part by part.
    private static func caseOrder(_ first: String, _ second: String) -> Bool {
        let a = first.split(separator: ".").map { Int($0) ?? 0 }
        let b = second.split(separator: ".").map { Int($0) ?? 0 }
        return a.lexicographicallyPrecedes(b)
    }

    private static func firstInteger(in text: String, matching pattern: String) -> Int? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return Int(text[range])
    }
}
