extension Duration {
    /// Parses a duration written as a number and a unit: `250us`, `50ms`, `1.5s`, `2m`, `1h`; `ns` and `µs` are
    /// accepted too. A bare number is rejected, because `--delay 50` is as likely to mean milliseconds as seconds.
    ///
    /// - Throws: ``UnitParseError`` when the text is not a duration.
    package init(parsing text: String) throws(UnitParseError) {
        let expected = "a duration such as 250us, 50ms, 1.5s or 2m"
        guard let quantity = QuantityText(text) else {
            throw UnitParseError(text, expected: expected)
        }
        let nanosecondsPerUnit: Double
        switch quantity.unit {
        case "ns": nanosecondsPerUnit = 1
        case "us", "µs": nanosecondsPerUnit = 1e3
        case "ms": nanosecondsPerUnit = 1e6
        case "s": nanosecondsPerUnit = 1e9
        case "m": nanosecondsPerUnit = 60e9
        case "h": nanosecondsPerUnit = 3600e9
        default: throw UnitParseError(text, expected: expected)
        }
        let nanoseconds = (quantity.value * nanosecondsPerUnit).rounded()
        // Longer than about 290 years does not fit in the 64-bit nanosecond count that NIO uses.
        guard nanoseconds < Double(Int64.max) else {
            throw UnitParseError(text, expected: expected)
        }
        self = .nanoseconds(Int64(nanoseconds))
    }

    /// The duration as whole nanoseconds, saturating at `Int64.max`.
    package var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000
    }

    /// A short human form of the duration, such as `1.5s`, `50ms` or `250us`.
    package var shortDescription: String {
        let nanoseconds = self.totalNanoseconds
        func format(_ value: Double, _ unit: String) -> String {
            let rounded = (value * 1000).rounded() / 1000
            if rounded == rounded.rounded() {
                return "\(Int64(rounded))\(unit)"
            }
            return "\(rounded)\(unit)"
        }
        switch abs(nanoseconds) {
        case 0..<1_000: return "\(nanoseconds)ns"
        case 1_000..<1_000_000: return format(Double(nanoseconds) / 1e3, "us")
        case 1_000_000..<1_000_000_000: return format(Double(nanoseconds) / 1e6, "ms")
        default: return format(Double(nanoseconds) / 1e9, "s")
        }
    }
}
