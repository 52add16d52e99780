/// Latency results as CSV (RFC 4180): a header row, then one row per case.
package enum LatencyCSV {
    package static let header = [
        "transport", "variant", "url", "size", "connections", "pacing", "rate", "count", "lost", "duration_s",
        "messages_per_second", "min_us", "mean_us", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "wire_bytes",
    ]

    package static func render(_ results: [LatencyResult]) -> String {
        var lines = [Self.header.joined(separator: ",")]
        for result in results {
            let fields: [String] = [
                result.transport, result.variant ?? "", result.url, "\(result.size)", "\(result.connections)",
                result.pacing, result.rate.map { "\($0)" } ?? "", "\(result.count)", "\(result.lost)",
                "\(result.durationSeconds)", "\(result.messagesPerSecond)", "\(result.minUs)", "\(result.meanUs)",
                "\(result.p50Us)", "\(result.p90Us)", "\(result.p99Us)", "\(result.p999Us)", "\(result.maxUs)",
                result.wireBytes.map { "\($0)" } ?? "",
            ]
            lines.append(fields.map(Self.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A field as RFC 4180 wants it: quoted, with quotes doubled, when it holds a comma, a quote or a line break.
    package static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
