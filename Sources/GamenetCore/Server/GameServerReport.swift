import NIOCore

/// What `/metrics` and `/status` show: the server's counters with the runtime's connections per transport.
package struct GameServerReport: Sendable {
    /// The server's counters.
    package var metrics: GameServerMetrics
    /// Open reliable connections, by transport name (`tcp`, `websocket`, `kcp`).
    package var connections: [String: Int]
    /// Seconds since the server started.
    package var uptimeSeconds: Double
    /// Whether the server is draining its connections before it exits.
    package var isShuttingDown: Bool
    /// The process's resident memory in bytes, when known.
    package var residentBytes: Int?

    package init(
        metrics: GameServerMetrics,
        connections: [String: Int],
        uptimeSeconds: Double,
        isShuttingDown: Bool,
        residentBytes: Int? = nil
    ) {
        self.metrics = metrics
        self.connections = connections
        self.uptimeSeconds = uptimeSeconds
        self.isShuttingDown = isShuttingDown
        self.residentBytes = residentBytes
    }

    /// The counters in the Prometheus text exposition format (version 0.0.4).
    package var prometheusText: String {
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP gamenet_\(name) \(help)")
            lines.append("# TYPE gamenet_\(name) \(type)")
            for sample in samples {
                lines.append("gamenet_\(name)\(sample.labels) \(sample.value)")
            }
        }
        func single(_ name: String, _ type: String, _ help: String, _ value: Int) {
            metric(name, type, help, [("", String(value))])
        }
        if let resident = self.residentBytes {
            // The name the Prometheus client libraries give it, so that existing dashboards find it.
            lines.append("# HELP process_resident_memory_bytes Resident memory size in bytes.")
            lines.append("# TYPE process_resident_memory_bytes gauge")
            lines.append("process_resident_memory_bytes \(resident)")
        }
        let m = self.metrics
        metric(
            "connections",
            "gauge",
            "Open reliable connections by transport.",
            ["tcp", "websocket", "kcp"].map { (#"{transport="\#($0)"}"#, String(self.connections[$0, default: 0])) }
        )
        single("sessions", "gauge", "Sessions, connected or within their resume window.", m.sessions)
        single("sessions_connected", "gauge", "Sessions with a connection.", m.connectedSessions)
        single("sessions_started_total", "counter", "Sessions started.", m.sessionsStarted)
        single("sessions_resumed_total", "counter", "Sessions resumed.", m.sessionsResumed)
        single("sessions_expired_total", "counter", "Sessions whose resume window passed.", m.sessionsExpired)
        metric(
            "sessions_ended_total",
            "counter",
            "Sessions ended, by goodbye reason.",
            m.sessionsEnded.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                (#"{reason="\#($0.key.name)"}"#, String($0.value))
            }
        )
        metric(
            "resumes_rejected_total",
            "counter",
            "Resume requests refused, by reason.",
            m.resumesRejected.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                (#"{reason="\#($0.key.name)"}"#, String($0.value))
            }
        )
        single("rooms", "gauge", "Rooms.", m.rooms)
        single("rooms_created_total", "counter", "Rooms created.", m.roomsCreated)
        single("messages_in_total", "counter", "Messages received, datagrams included.", m.messagesIn)
        single("messages_out_total", "counter", "Messages sent, datagrams included.", m.messagesOut)
        single("bytes_in_total", "counter", "Bytes of messages received.", m.bytesIn)
        single("bytes_out_total", "counter", "Bytes of messages sent.", m.bytesOut)
        single("datagrams_in_total", "counter", "Datagrams received on the UDP port.", m.datagramsIn)
        single("datagrams_out_total", "counter", "Datagrams sent from the UDP port.", m.datagramsOut)
        metric(
            "drops_total",
            "counter",
            "Incoming messages dropped, by cause.",
            GameDropCause.allCases.map { (#"{cause="\#($0.rawValue)"}"#, String(m.drops[$0, default: 0])) }
        )
        single("rate_limit_warnings_total", "counter", "Rate-limit warnings sent.", m.rateLimitWarnings)
        single("request_timeouts_total", "counter", "Requests that timed out.", m.requestTimeouts)
        let cumulative = m.roundTripTimes.cumulativeCounts
        var buckets: [(labels: String, value: String)] = RoundTripHistogram.boundsInMilliseconds.enumerated().map {
            (#"{le="\#(Double($0.element) / 1000)"}"#, String(cumulative[$0.offset]))
        }
        buckets.append((#"{le="+Inf"}"#, String(cumulative.last ?? 0)))
        lines.append("# HELP gamenet_rtt_seconds Round-trip times measured by heartbeats.")
        lines.append("# TYPE gamenet_rtt_seconds histogram")
        for bucket in buckets {
            lines.append("gamenet_rtt_seconds_bucket\(bucket.labels) \(bucket.value)")
        }
        lines.append("gamenet_rtt_seconds_sum \(Double(m.roundTripTimes.sum.nanoseconds) / 1e9)")
        lines.append("gamenet_rtt_seconds_count \(m.roundTripTimes.sampleCount)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JSON object for `/status`, keys sorted.
    package var statusJSON: String {
        let m = self.metrics
        func object(_ pairs: [(String, String)]) -> String {
            "{" + pairs.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
        let connections = object(["tcp", "websocket", "kcp"].map { ($0, String(self.connections[$0, default: 0])) })
        let drops = object(m.drops.map { ($0.key.rawValue, String($0.value)) })
        let ended = object(m.sessionsEnded.map { ($0.key.name, String($0.value)) })
        let samples = m.roundTripTimes.sampleCount
        let meanRTT = samples == 0 ? 0 : Double(m.roundTripTimes.sum.nanoseconds) / 1e6 / Double(samples)
        return object([
            ("status", self.isShuttingDown ? "\"draining\"" : "\"running\""),
            ("uptimeSeconds", String(Int(self.uptimeSeconds))),
            ("connections", connections),
            ("sessions", String(m.sessions)),
            ("connectedSessions", String(m.connectedSessions)),
            ("sessionsStarted", String(m.sessionsStarted)),
            ("sessionsResumed", String(m.sessionsResumed)),
            ("sessionsEnded", ended),
            ("rooms", String(m.rooms)),
            ("messagesIn", String(m.messagesIn)),
            ("messagesOut", String(m.messagesOut)),
            ("bytesIn", String(m.bytesIn)),
            ("bytesOut", String(m.bytesOut)),
            ("datagramsIn", String(m.datagramsIn)),
            ("datagramsOut", String(m.datagramsOut)),
            ("drops", drops),
            ("roundTripSamples", String(samples)),
            ("meanRoundTripMilliseconds", String(meanRTT)),
            ("residentBytes", self.residentBytes.map { String($0) } ?? "null"),
        ])
    }
}
