/// An amount of data, written as a number of bytes (`1200`) or with a unit: decimal `KB`, `MB`, `GB`
/// (powers of 1000) or binary `KiB`, `MiB`, `GiB` (powers of 1024); `B` is accepted for bytes.
package struct ByteCount: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The number of bytes.
    package var bytes: Int

    package init(bytes: Int) {
        self.bytes = bytes
    }

    /// Parses a size; fractions are allowed (`1.5MiB`) and are rounded to whole bytes.
    ///
    /// - Throws: ``UnitParseError`` when the text is not a size.
    package init(parsing text: String) throws(UnitParseError) {
        let expected = "a size such as 1200, 64KiB, 1MB or 1GiB"
        guard let quantity = QuantityText(text) else {
            throw UnitParseError(text, expected: expected)
        }
        let bytesPerUnit: Double
        switch quantity.unit {
        case "", "B": bytesPerUnit = 1
        case "KB", "kB": bytesPerUnit = 1e3
        case "MB": bytesPerUnit = 1e6
        case "GB": bytesPerUnit = 1e9
        case "KiB": bytesPerUnit = 1024
        case "MiB": bytesPerUnit = 1024 * 1024
        case "GiB": bytesPerUnit = 1024 * 1024 * 1024
        default: throw UnitParseError(text, expected: expected)
        }
        let bytes = (quantity.value * bytesPerUnit).rounded()
        guard bytes < Double(Int.max) else {
            throw UnitParseError(text, expected: expected)
        }
        self.bytes = Int(bytes)
    }

    package var description: String {
        switch self.bytes {
        case let bytes where bytes >= 1 << 30 && bytes % (1 << 30) == 0: return "\(bytes >> 30)GiB"
        case let bytes where bytes >= 1 << 20 && bytes % (1 << 20) == 0: return "\(bytes >> 20)MiB"
        case let bytes where bytes >= 1 << 10 && bytes % (1 << 10) == 0: return "\(bytes >> 10)KiB"
        default: return "\(self.bytes)"
        }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.bytes < rhs.bytes
    }
}
