/// One case of a throughput benchmark: how much came back from an echo peer per second.
package struct ThroughputResult: Codable, Hashable, Sendable {
    package var transport: String
    package var url: String
    /// Bytes per message.
    package var size: Int
    package var connections: Int
    /// Messages kept in flight per connection; 0 for a stream written as fast as the connection takes it.
    package var window: Int
    /// Echoed messages counted, after the warm-up.
    package var count: UInt64
    package var bytes: UInt64
    package var durationSeconds: Double
    package var messagesPerSecond: Double
    /// Echoed payload per second, in MiB (one direction; as much went the other way).
    package var mebibytesPerSecond: Double
    /// CPU seconds this process spent (client, and server when in-process) during the case.
    package var cpuSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case transport, url, size, connections, window, count, bytes
        case durationSeconds = "duration_s"
        case messagesPerSecond = "messages_per_second"
        case mebibytesPerSecond = "mib_per_second"
        case cpuSeconds = "cpu_s"
    }

    package init(
        transport: String,
        url: String,
        size: Int,
        connections: Int,
        window: Int,
        meter: ThroughputMeter,
        cpuSeconds: Double?
    ) {
        self.transport = transport
        self.url = url
        self.size = size
        self.connections = connections
        self.window = window
        self.count = meter.messages
        self.bytes = meter.bytes
        self.durationSeconds = meter.seconds
        self.messagesPerSecond = meter.seconds > 0 ? Double(meter.messages) / meter.seconds : 0
        self.mebibytesPerSecond = meter.seconds > 0 ? Double(meter.bytes) / meter.seconds / 1_048_576 : 0
        self.cpuSeconds = cpuSeconds
    }

    /// The table `gamenet bench throughput` prints.
    package static func table(_ results: [ThroughputResult]) -> String {
        var table = TextTable(header: ["transport", "size", "conns", "window", "msg/s", "MiB/s", "cpu s"])
        for result in results {
            table.append([
                result.transport,
                "\(result.size) B",
                "\(result.connections)",
                result.window == 0 ? "stream" : "\(result.window)",
                LatencyTable.format(result.messagesPerSecond, digits: 0),
                LatencyTable.format(result.mebibytesPerSecond),
                result.cpuSeconds.map { LatencyTable.format($0) } ?? "-",
            ])
        }
        return table.rendered()
    }
}
