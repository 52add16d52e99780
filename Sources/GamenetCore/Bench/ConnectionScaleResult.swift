/// One case of a connection-scale benchmark: how fast many connections opened, whether they held, and what each
/// cost the server in resident memory.
package struct ConnectionScaleResult: Codable, Hashable, Sendable {
    package var transport: String
    package var url: String
    /// Connections asked for.
    package var count: Int
    package var connected: Int
    package var failed: Int
    package var connectSeconds: Double
    package var connectsPerSecond: Double
    package var echoesExpected: Int
    package var echoesReceived: Int
    /// Connections the server closed during the run.
    package var dropped: Int
    /// The server measured, when its process was known.
    package var serverPid: Int32?
    package var serverRSSBefore: Int?
    package var serverRSSIdle: Int?
    package var serverRSSAfterMessage: Int?

    enum CodingKeys: String, CodingKey {
        case transport, url, count, connected, failed, dropped
        case connectSeconds = "connect_s"
        case connectsPerSecond = "connects_per_second"
        case echoesExpected = "echoes_expected"
        case echoesReceived = "echoes_received"
        case serverPid = "server_pid"
        case serverRSSBefore = "server_rss_before_bytes"
        case serverRSSIdle = "server_rss_idle_bytes"
        case serverRSSAfterMessage = "server_rss_after_message_bytes"
        case bytesPerConnectionIdle = "server_bytes_per_connection_idle"
        case bytesPerConnectionAfterMessage = "server_bytes_per_connection_after_message"
    }

    package init(
        transport: String,
        url: String,
        count: Int,
        connected: Int,
        failed: Int,
        connectSeconds: Double,
        echoesExpected: Int,
        echoesReceived: Int,
        dropped: Int
    ) {
        self.transport = transport
        self.url = url
        self.count = count
        self.connected = connected
        self.failed = failed
        self.connectSeconds = connectSeconds
        self.connectsPerSecond = connectSeconds > 0 ? Double(connected) / connectSeconds : 0
        self.echoesExpected = echoesExpected
        self.echoesReceived = echoesReceived
        self.dropped = dropped
    }

    /// Server memory per open connection while idle: the growth from before connecting, over the connections.
    package var bytesPerConnectionIdle: Double? {
        Self.perConnection(self.serverRSSIdle, self.serverRSSBefore, self.connected)
    }

    /// Server memory per open connection after one message each.
    package var bytesPerConnectionAfterMessage: Double? {
        Self.perConnection(self.serverRSSAfterMessage, self.serverRSSBefore, self.connected)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.transport, forKey: .transport)
        try container.encode(self.url, forKey: .url)
        try container.encode(self.count, forKey: .count)
        try container.encode(self.connected, forKey: .connected)
        try container.encode(self.failed, forKey: .failed)
        try container.encode(self.dropped, forKey: .dropped)
        try container.encode(self.connectSeconds, forKey: .connectSeconds)
        try container.encode(self.connectsPerSecond, forKey: .connectsPerSecond)
        try container.encode(self.echoesExpected, forKey: .echoesExpected)
        try container.encode(self.echoesReceived, forKey: .echoesReceived)
        try container.encodeIfPresent(self.serverPid, forKey: .serverPid)
        try container.encodeIfPresent(self.serverRSSBefore, forKey: .serverRSSBefore)
        try container.encodeIfPresent(self.serverRSSIdle, forKey: .serverRSSIdle)
        try container.encodeIfPresent(self.serverRSSAfterMessage, forKey: .serverRSSAfterMessage)
        try container.encodeIfPresent(self.bytesPerConnectionIdle, forKey: .bytesPerConnectionIdle)
        try container.encodeIfPresent(self.bytesPerConnectionAfterMessage, forKey: .bytesPerConnectionAfterMessage)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.transport = try container.decode(String.self, forKey: .transport)
        self.url = try container.decode(String.self, forKey: .url)
        self.count = try container.decode(Int.self, forKey: .count)
        self.connected = try container.decode(Int.self, forKey: .connected)
        self.failed = try container.decode(Int.self, forKey: .failed)
        self.dropped = try container.decode(Int.self, forKey: .dropped)
        self.connectSeconds = try container.decode(Double.self, forKey: .connectSeconds)
        self.connectsPerSecond = try container.decode(Double.self, forKey: .connectsPerSecond)
        self.echoesExpected = try container.decode(Int.self, forKey: .echoesExpected)
        self.echoesReceived = try container.decode(Int.self, forKey: .echoesReceived)
        self.serverPid = try container.decodeIfPresent(Int32.self, forKey: .serverPid)
        self.serverRSSBefore = try container.decodeIfPresent(Int.self, forKey: .serverRSSBefore)
        self.serverRSSIdle = try container.decodeIfPresent(Int.self, forKey: .serverRSSIdle)
        self.serverRSSAfterMessage = try container.decodeIfPresent(Int.self, forKey: .serverRSSAfterMessage)
    }

    /// The table `gamenet bench conns` prints.
    package static func table(_ results: [ConnectionScaleResult]) -> String {
        var table = TextTable(header: [
            "transport", "connections", "failed", "connects/s", "echoes", "dropped", "server B/conn idle",
            "B/conn after message",
        ])
        for result in results {
            table.append([
                result.transport,
                "\(result.connected)/\(result.count)",
                "\(result.failed)",
                LatencyTable.format(result.connectsPerSecond, digits: 0),
                "\(result.echoesReceived)/\(result.echoesExpected)",
                "\(result.dropped)",
                result.bytesPerConnectionIdle.map { LatencyTable.format($0, digits: 0) } ?? "-",
                result.bytesPerConnectionAfterMessage.map { LatencyTable.format($0, digits: 0) } ?? "-",
            ])
        }
        return table.rendered()
    }

    private static func perConnection(_ after: Int?, _ before: Int?, _ connections: Int) -> Double? {
        guard let after, let before, connections > 0 else { return nil }
        return Double(after - before) / Double(connections)
    }
}
