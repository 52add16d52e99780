import GamenetCore
import NIOCore
import Testing

/// What `/metrics` and `/status` show for a server's counters.
struct GameServerReportTests {
    private static func report() -> GameServerReport {
        var metrics = GameServerMetrics()
        metrics.sessions = 3
        metrics.connectedSessions = 2
        metrics.rooms = 1
        metrics.messagesIn = 10
        metrics.bytesOut = 1_234
        metrics.drops[.malformed] = 4
        metrics.sessionsEnded[.rateLimit] = 1
        metrics.roundTripTimes.record(.milliseconds(3))
        metrics.roundTripTimes.record(.milliseconds(300))
        return GameServerReport(
            metrics: metrics,
            connections: ["tcp": 1, "websocket": 1],
            uptimeSeconds: 12.5,
            isShuttingDown: false
        )
    }

    @Test func prometheusTextHasEveryFamilyWithTypesAndLabels() {
        let lines = Self.report().prometheusText.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"gamenet_connections{transport="tcp"} 1"#))
        #expect(lines.contains(#"gamenet_connections{transport="kcp"} 0"#))
        #expect(lines.contains("# TYPE gamenet_sessions gauge"))
        #expect(lines.contains("gamenet_sessions 3"))
        #expect(lines.contains("gamenet_bytes_out_total 1234"))
        #expect(lines.contains(#"gamenet_drops_total{cause="malformed"} 4"#))
        #expect(lines.contains(#"gamenet_drops_total{cause="rateLimited"} 0"#))
        #expect(lines.contains(#"gamenet_sessions_ended_total{reason="rateLimit"} 1"#))
        // Cumulative buckets: 3 ms is under 5 ms, 300 ms under 500 ms.
        #expect(lines.contains(#"gamenet_rtt_seconds_bucket{le="0.002"} 0"#))
        #expect(lines.contains(#"gamenet_rtt_seconds_bucket{le="0.005"} 1"#))
        #expect(lines.contains(#"gamenet_rtt_seconds_bucket{le="0.5"} 2"#))
        #expect(lines.contains(#"gamenet_rtt_seconds_bucket{le="+Inf"} 2"#))
        #expect(lines.contains("gamenet_rtt_seconds_count 2"))
        #expect(lines.contains("gamenet_rtt_seconds_sum 0.303"))
        // Every sample line belongs to a family announced with # TYPE.
        let families = Set(lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        for line in lines where !line.hasPrefix("#") {
            let name = line.prefix { $0 != "{" && $0 != " " }
            let family = ["_bucket", "_sum", "_count"].reduce(String(name)) { name, suffix in
                families.contains(Substring(name)) || !name.hasSuffix(suffix) ? name : String(name.dropLast(suffix.count))
            }
            #expect(families.contains(Substring(family)), "\(line)")
        }
    }

    @Test func statusIsOneJSONObjectWithSortedKeys() {
        let json = Self.report().statusJSON
        #expect(json.hasPrefix(#"{"bytesIn":0,"bytesOut":1234,"connectedSessions":2,"connections":{"kcp":0,"tcp":1,"websocket":1}"#))
        #expect(json.contains(#""drops":{"malformed":4}"#))
        #expect(json.contains(#""sessionsEnded":{"rateLimit":1}"#))
        #expect(json.contains(#""status":"running""#))
        #expect(json.contains(#""uptimeSeconds":12"#))
        #expect(json.contains(#""meanRoundTripMilliseconds":151.5"#))
    }
}
