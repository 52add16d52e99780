import Histogram

/// One case of a latency benchmark: a transport, a message size and how the round trips were distributed.
///
/// Times are in microseconds. The JSON form uses snake_case keys (`p50_us`, `messages_per_second`, …) so that
/// `jq` and spreadsheet scripts read it as it is.
package struct LatencyResult: Codable, Hashable, Sendable {
    /// `tcp`, `ws`, `udp` or `kcp`.
    package var transport: String
    /// What distinguishes cases of one transport, such as a KCP mode; `nil` when nothing does.
    package var variant: String?
    /// The peer measured.
    package var url: String
    /// Bytes per message.
    package var size: Int
    package var connections: Int
    /// `closed-loop` or `open-loop`.
    package var pacing: String
    /// Messages per second per connection asked for, in open loop.
    package var rate: Double?
    /// Round trips recorded (after the warm-up).
    package var count: UInt64
    /// Messages whose reply never came.
    package var lost: UInt64
    /// Seconds measured, after the warm-up.
    package var durationSeconds: Double
    package var messagesPerSecond: Double
    package var minUs: Double
    package var meanUs: Double
    package var p50Us: Double
    package var p90Us: Double
    package var p99Us: Double
    package var p999Us: Double
    package var maxUs: Double
    /// Bytes both ways on the wire, when the case ran through gamenet's own link model.
    package var wireBytes: UInt64?
    /// The percentile curve, `[percentile, microseconds]` pairs, for plots.
    package var curve: [[Double]]?

    enum CodingKeys: String, CodingKey {
        case transport, variant, url, size, connections, pacing, rate, count, lost, curve
        case durationSeconds = "duration_s"
        case messagesPerSecond = "messages_per_second"
        case minUs = "min_us"
        case meanUs = "mean_us"
        case p50Us = "p50_us"
        case p90Us = "p90_us"
        case p99Us = "p99_us"
        case p999Us = "p999_us"
        case maxUs = "max_us"
        case wireBytes = "wire_bytes"
    }

    /// Summarizes `recorder`, measured over `durationSeconds`.
    package init(
        transport: String,
        variant: String? = nil,
        url: String,
        size: Int,
        connections: Int,
        rate: Double?,
        recorder: LatencyRecorder,
        durationSeconds: Double
    ) {
        func microseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1_000 }
        self.transport = transport
        self.variant = variant
        self.url = url
        self.size = size
        self.connections = connections
        self.pacing = rate == nil ? "closed-loop" : "open-loop"
        self.rate = rate
        self.count = recorder.count
        self.lost = recorder.lost
        self.durationSeconds = durationSeconds
        self.messagesPerSecond = durationSeconds > 0 ? Double(recorder.count) / durationSeconds : 0
        let histogram = recorder.histogram
        let empty = recorder.count == 0
        self.minUs = empty ? 0 : microseconds(histogram.min)
        self.meanUs = empty ? 0 : histogram.mean / 1_000
        self.p50Us = microseconds(recorder.nanoseconds(atPercentile: 50))
        self.p90Us = microseconds(recorder.nanoseconds(atPercentile: 90))
        self.p99Us = microseconds(recorder.nanoseconds(atPercentile: 99))
        self.p999Us = microseconds(recorder.nanoseconds(atPercentile: 99.9))
        self.maxUs = empty ? 0 : microseconds(histogram.max)
        self.curve = recorder.percentileCurve().map { [$0.percentile, microseconds($0.nanoseconds)] }
    }

    /// `tcp`, or `kcp fast3` when there is a variant.
    package var label: String {
        self.variant.map { "\(self.transport) \($0)" } ?? self.transport
    }
}
