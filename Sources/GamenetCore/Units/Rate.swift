/// A data rate in bytes per second, written as `512kbit`, `10mbit`, `1gbit` (bits, as tc and netem write them)
/// or `2MB/s`, `64KiB/s` (bytes). Prefixes are decimal (k = 1000) except the binary `Ki`, `Mi`, `Gi`.
package struct Rate: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The rate in bytes per second.
    package var bytesPerSecond: Double

    package init(bytesPerSecond: Double) {
        self.bytesPerSecond = bytesPerSecond
    }

    /// Parses a rate.
    ///
    /// - Throws: ``UnitParseError`` when the text is not a rate.
    package init(parsing text: String) throws(UnitParseError) {
        let expected = "a rate such as 512kbit, 10mbit, 1gbit or 2MB/s"
        guard let quantity = QuantityText(text) else {
            throw UnitParseError(text, expected: expected)
        }
        let bytesPerUnit: Double
        switch quantity.unit {
        case "bit", "bps": bytesPerUnit = 1.0 / 8
        case "kbit", "kbps": bytesPerUnit = 1e3 / 8
        case "mbit", "mbps": bytesPerUnit = 1e6 / 8
        case "gbit", "gbps": bytesPerUnit = 1e9 / 8
        case "B/s": bytesPerUnit = 1
        case "KB/s", "kB/s": bytesPerUnit = 1e3
        case "MB/s": bytesPerUnit = 1e6
        case "GB/s": bytesPerUnit = 1e9
        case "KiB/s": bytesPerUnit = 1024
        case "MiB/s": bytesPerUnit = 1024 * 1024
        case "GiB/s": bytesPerUnit = 1024 * 1024 * 1024
        default: throw UnitParseError(text, expected: expected)
        }
        self.bytesPerSecond = quantity.value * bytesPerUnit
    }

    package var description: String {
        let bits = self.bytesPerSecond * 8
        switch bits {
        case 1e9...: return "\(Self.trim(bits / 1e9))gbit"
        case 1e6...: return "\(Self.trim(bits / 1e6))mbit"
        case 1e3...: return "\(Self.trim(bits / 1e3))kbit"
        default: return "\(Self.trim(bits))bit"
        }
    }

    private static func trim(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.bytesPerSecond < rhs.bytesPerSecond
    }
}
