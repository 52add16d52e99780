import Foundation
import GamenetCore
import NIOCore
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The benchmark harness on a fake clock: percentile maths, pacing, warm-up, coordinated omission and the output
/// formats.
@Suite struct BenchHarnessTests {
    private static let microsecond: UInt64 = 1_000
    private static let millisecond: UInt64 = 1_000_000
    private static let second: UInt64 = 1_000_000_000

    /// Echoes every message of `probe` after `latency(intendedAt)` nanoseconds, on a fake clock, until it is done.
    /// Replies are delivered in time order; the probe is asked for sends at each event.
    private static func drive(
        _ probe: inout RoundTripProbe,
        start: UInt64,
        latency: (UInt64) -> UInt64?
    ) {
        var now = start
        var pending: [(at: UInt64, message: RoundTripProbe.Message)] = []
        var steps = 0
        while !probe.isFinished(now: now), steps < 5_000_000 {
            steps += 1
            var due: [RoundTripProbe.Message] = []
            probe.sendDue(now: now) { due.append($0) }
            for message in due {
                if let delay = latency(now) {
                    pending.append((now + delay, message))
                }
            }
            pending.sort { $0.at < $1.at }
            let nextReply = pending.first?.at
            let nextWake = probe.nextWakeUp
            guard let next = [nextReply, nextWake].compactMap({ $0 }).min() else {
                now = max(now, probe.end)
                if probe.isFinished(now: now) { break }
                probe.finish()
                break
            }
            now = max(now, next)
            while let first = pending.first, first.at <= now {
                pending.removeFirst()
                var header = ByteBuffer()
                probe.write(first.message, into: &header)
                probe.receive(header: header, now: now)
            }
        }
        probe.finish()
    }

    @Test func percentilesOfAUniformDistributionAreWithinAThousandth() {
        var recorder = LatencyRecorder()
        for value in 1...10_000 {
            recorder.record(nanoseconds: UInt64(value) * Self.microsecond)
        }
        let result = LatencyResult(
            transport: "tcp", url: "tcp://127.0.0.1:1", size: 32, connections: 1, rate: nil, recorder: recorder,
            durationSeconds: 2
        )
        #expect(result.count == 10_000)
        #expect(abs(result.p50Us - 5_000) <= 5)
        #expect(abs(result.p90Us - 9_000) <= 9)
        #expect(abs(result.p99Us - 9_900) <= 10)
        #expect(abs(result.p999Us - 9_990) <= 10)
        #expect(abs(result.maxUs - 10_000) <= 10)
        #expect(abs(result.minUs - 1) <= 0.01)
        #expect(abs(result.meanUs - 5_000.5) <= 5)
        #expect(result.messagesPerSecond == 5_000)
    }

    @Test func closedLoopSendsOneMessageAtATimeAndSkipsTheWarmup() {
        let start = 10 * Self.second
        var probe = RoundTripProbe(
            messageSize: 32, pacing: .closedLoop, start: start, warmup: 100 * Self.millisecond,
            duration: Self.second
        )
        // 100 µs during the warm-up, 50 µs after it.
        Self.drive(&probe, start: start) { now in
            now < start + 100 * Self.millisecond ? 100 * Self.microsecond : 50 * Self.microsecond
        }
        let recorder = probe.recorder
        // One second of 50 µs round trips, back to back.
        #expect(recorder.count >= 19_990 && recorder.count <= 20_000)
        #expect(recorder.nanoseconds(atPercentile: 100) < 51 * Self.microsecond)
        #expect(recorder.lost == 0)
        #expect(probe.sent == recorder.count + 1_000)
    }

    @Test func openLoopTimesEachMessageFromWhenItWasDue() {
        // 1,000 messages a second; the peer answers in 100 µs, except that it holds everything sent during one
        // second (from 2 s to 3 s) until 3 s. A closed loop would record one slow sample; the open loop records a
        // thousand, falling from 1 s to 0, as HdrHistogram's coordinated-omission correction would.
        let start: UInt64 = 0
        let stall = (2 * Self.second)..<(3 * Self.second)
        var open = RoundTripProbe(
            messageSize: 32, pacing: .openLoop(interval: Self.millisecond), start: start, warmup: 0,
            duration: 10 * Self.second
        )
        Self.drive(&open, start: start) { now in
            stall.contains(now) ? stall.upperBound - now + 100 * Self.microsecond : 100 * Self.microsecond
        }
        #expect(open.recorder.count == 10_000)
        // 10% of the messages were held: the 90th percentile and above see the stall.
        #expect(open.recorder.nanoseconds(atPercentile: 50) < 101 * Self.microsecond)
        #expect(open.recorder.nanoseconds(atPercentile: 95) > 490 * Self.millisecond)
        #expect(open.recorder.nanoseconds(atPercentile: 99) > 890 * Self.millisecond)

        var closed = RoundTripProbe(
            messageSize: 32, pacing: .closedLoop, start: start, warmup: 0, duration: 10 * Self.second,
            replyTimeout: 30 * Self.second
        )
        Self.drive(&closed, start: start) { now in
            stall.contains(now) ? stall.upperBound - now + 100 * Self.microsecond : 100 * Self.microsecond
        }
        // The closed loop hides the stall in its percentiles: one sample in ninety thousand.
        #expect(closed.recorder.nanoseconds(atPercentile: 99.9) < 101 * Self.microsecond)
        #expect(closed.recorder.nanoseconds(atPercentile: 100) > 990 * Self.millisecond)
    }

    @Test func hdrHistogramCorrectionBackfillsAClosedLoopStall() {
        var recorder = LatencyRecorder()
        recorder.record(nanoseconds: Self.second, expectedInterval: 10 * Self.millisecond)
        // One 1 s sample at a 10 ms interval stands for 100 samples, 1 s down to 10 ms.
        #expect(recorder.count == 100)
        #expect(recorder.nanoseconds(atPercentile: 50) >= 490 * Self.millisecond)
    }

    @Test func aLostDatagramIsCountedAndTheLoopGoesOn() {
        var probe = RoundTripProbe(
            messageSize: 16, pacing: .closedLoop, start: 0, warmup: 0, duration: Self.second,
            replyTimeout: 100 * Self.millisecond
        )
        var sends = 0
        Self.drive(&probe, start: 0) { _ in
            sends += 1
            // Every tenth message is lost.
            return sends % 10 == 0 ? nil : Self.millisecond
        }
        #expect(probe.recorder.lost > 0)
        #expect(probe.recorder.count > 0)
        let expectedPerCycle = 9 * Self.millisecond + 100 * Self.millisecond
        #expect(probe.recorder.lost <= Self.second / expectedPerCycle + 1)
    }

    @Test func aReplyThatIsNotAwaitedIsIgnored() {
        var probe = RoundTripProbe(messageSize: 32, pacing: .closedLoop, start: 0, warmup: 0, duration: Self.second)
        var due: [RoundTripProbe.Message] = []
        probe.sendDue(now: 0) { due.append($0) }
        #expect(due.count == 1)
        var forged = ByteBuffer()
        probe.write(RoundTripProbe.Message(sequence: 99, intendedAt: 0), into: &forged)
        let forgedAccepted = probe.receive(header: forged, now: 10)
        let shortAccepted = probe.receive(header: ByteBuffer(bytes: [1, 2, 3]), now: 10)
        #expect(!forgedAccepted && !shortAccepted)
        var real = ByteBuffer()
        probe.write(due[0], into: &real)
        #expect(real.readableBytes == 32)
        let realAccepted = probe.receive(header: real, now: 10)
        let duplicateAccepted = probe.receive(header: real, now: 11)
        #expect(realAccepted && !duplicateAccepted)
    }

    private static func sampleResults() -> [LatencyResult] {
        var fast = LatencyRecorder()
        var slow = LatencyRecorder()
        for value in 1...1_000 {
            fast.record(nanoseconds: UInt64(10_000 + value))
            slow.record(nanoseconds: UInt64(20_000 + 3 * value))
        }
        return [
            LatencyResult(
                transport: "tcp", url: "tcp://127.0.0.1:7350", size: 32, connections: 1, rate: nil, recorder: fast,
                durationSeconds: 1
            ),
            LatencyResult(
                transport: "kcp", variant: "fast3", url: "kcp://127.0.0.1:7350?mode=fast3", size: 32,
                connections: 1, rate: 100, recorder: slow, durationSeconds: 1
            ),
        ]
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let report = BenchReport(
            mode: "compare", gamenetVersion: "0.1.0", cpus: 2, optimized: true, results: Self.sampleResults()
        )
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["mode"] as? String == "compare")
        #expect(object["cpus"] as? Int == 2)
        #expect(object["gamenet_version"] as? String == "0.1.0")
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.count == 2)
        for key in [
            "transport", "size", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "messages_per_second", "count",
        ] {
            #expect(results.allSatisfy { $0[key] != nil }, "every result has \(key)")
        }
        #expect(results[0]["transport"] as? String == "tcp")
        #expect(results[1]["variant"] as? String == "fast3")
        #expect(results[1]["pacing"] as? String == "open-loop")
        let decoded = try JSONDecoder().decode(BenchReport<LatencyResult>.self, from: data)
        #expect(decoded.results == report.results)
    }

    @Test func tableShowsEachMedianOverTCPs() {
        let table = LatencyTable.percentiles(Self.sampleResults())
        let lines = table.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("transport"))
        #expect(lines[1].hasSuffix("1.00×"))
        // 21.5 µs over 10.5 µs.
        #expect(lines[2].hasPrefix("kcp fast3"))
        #expect(lines[2].hasSuffix("2.05×"))
    }

    @Test func lossTableShowsWireBytesAndRatiosToTCP() {
        var results = Self.sampleResults()
        results[0].wireBytes = 20_480
        results[1].wireBytes = 25_600
        let lines = LatencyTable.underLoss(results).split(separator: "\n")
        #expect(lines.count == 3)
        let tcp = lines[1].split(separator: " ")
        let kcp = lines[2].split(separator: " ")
        #expect(tcp.contains("20"), "20 KiB on the wire: \(lines[1])")
        #expect(kcp.contains("25"))
        #expect(kcp.last == "1.25×")
    }

    @Test func csvHasAHeaderAndQuotesWhatNeedsIt() {
        let csv = LatencyCSV.render(Self.sampleResults())
        let rows = csv.split(separator: "\r\n")
        #expect(rows.count == 3)
        #expect(rows[0].split(separator: ",").count == LatencyCSV.header.count)
        #expect(LatencyCSV.quoted("a,b") == "\"a,b\"")
        #expect(LatencyCSV.quoted("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(LatencyCSV.quoted("plain") == "plain")
    }

    @Test func plotIsWellFormedSVGWithOneCurvePerCase() throws {
        var results = Self.sampleResults()
        results[1].variant = "<fast&3>"
        let svg = LatencyPlot.svg(results, title: "round trips \"quoted\" & <escaped>")
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [String] = []
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) {
                self.elements.append(name)
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "the SVG parses as XML: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.elements.first == "svg")
        #expect(collector.elements.filter { $0 == "polyline" }.count == 2)
        #expect(svg.contains("99.9%"))
    }

    @Test func ninesSpreadThePercentileAxis() {
        #expect(abs(LatencyPlot.nines(90) - 1) < 1e-9)
        #expect(abs(LatencyPlot.nines(99.9) - 3) < 1e-9)
        #expect(LatencyPlot.nines(0) == 0)
        #expect(LatencyPlot.nines(100) == .infinity)
    }

    @Test func formatsFigures() {
        #expect(LatencyTable.format(12.345) == "12.3")
        #expect(LatencyTable.format(1.005, digits: 2) == "1.01" || LatencyTable.format(1.005, digits: 2) == "1.00")
        #expect(LatencyTable.format(1234.5) == "1235" || LatencyTable.format(1234.5) == "1234")
        #expect(LatencyTable.format(0.05) == "0.05")
        #expect(LatencyTable.ratio(3, to: 0) == "-")
        #expect(LatencyTable.ratio(3, to: 2) == "1.50×")
    }
}
