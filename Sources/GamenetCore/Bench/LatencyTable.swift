/// The tables `gamenet bench` prints for latency results.
package enum LatencyTable {
    /// Percentiles and message rate per case, and each case's median over TCP's median at the same size.
    package static func percentiles(_ results: [LatencyResult]) -> String {
        var table = TextTable(header: [
            "transport", "size", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs", "msg/s", "lost", "p50 ×tcp",
        ])
        for result in results {
            let baseline = results.first { $0.transport == "tcp" && $0.variant == nil && $0.size == result.size }
            table.append([
                result.label,
                "\(result.size) B",
                Self.format(result.p50Us),
                Self.format(result.p90Us),
                Self.format(result.p99Us),
                Self.format(result.p999Us),
                Self.format(result.maxUs),
                Self.format(result.messagesPerSecond, digits: 0),
                "\(result.lost)",
                Self.ratio(result.p50Us, to: baseline?.p50Us),
            ])
        }
        return table.rendered()
    }

    /// Mean, p99 and max per case, the bytes each put on the wire, and each over TCP's: the loss experiment.
    package static func underLoss(_ results: [LatencyResult]) -> String {
        var table = TextTable(header: [
            "transport", "mean ms", "p99 ms", "max ms", "wire KiB", "lost", "mean ×tcp", "p99 ×tcp", "max ×tcp",
            "wire ×tcp",
        ])
        let baseline = results.first { $0.transport == "tcp" }
        for result in results {
            let wire = result.wireBytes.map { Double($0) }
            table.append([
                result.label,
                Self.format(result.meanUs / 1_000),
                Self.format(result.p99Us / 1_000),
                Self.format(result.maxUs / 1_000),
                wire.map { Self.format($0 / 1_024, digits: 0) } ?? "-",
                "\(result.lost)",
                Self.ratio(result.meanUs, to: baseline?.meanUs),
                Self.ratio(result.p99Us, to: baseline?.p99Us),
                Self.ratio(result.maxUs, to: baseline?.maxUs),
                Self.ratio(wire, to: baseline?.wireBytes.map { Double($0) }),
            ])
        }
        return table.rendered()
    }

    /// `value / baseline` as `1.23×`, or `-` when either is missing or the baseline is zero.
    package static func ratio(_ value: Double?, to baseline: Double?) -> String {
        guard let value, let baseline, baseline > 0 else { return "-" }
        return Self.format(value / baseline, digits: 2) + "×"
    }

    /// Fixed-point text: three significant figures below 100, whole numbers above.
    package static func format(_ value: Double, digits: Int? = nil) -> String {
        let places = digits ?? (value >= 100 ? 0 : value >= 10 ? 1 : 2)
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        guard places > 0 else { return String(Int(rounded)) }
        let whole = Int(rounded.rounded(.towardZero))
        let fraction = Int(((abs(rounded) - Double(abs(whole))) * scale).rounded())
        let fractionText = String(fraction)
        let sign = rounded < 0 && whole == 0 ? "-" : ""
        return sign + String(whole) + "." + String(repeating: "0", count: places - fractionText.count) + fractionText
    }
}
