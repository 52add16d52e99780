/// A probability or share, written as `2%` or as a fraction `0.02`.
package struct Percentage: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The value as a fraction in `0...1`.
    package var fraction: Double

    package init(fraction: Double) {
        self.fraction = fraction
    }

    /// Parses a percentage; a fraction must lie in `0...1` and a percentage in `0%...100%`.
    ///
    /// - Throws: ``UnitParseError`` when the text is not a percentage in range.
    package init(parsing text: String) throws(UnitParseError) {
        let expected = "a percentage such as 2% or a fraction such as 0.02, between 0 and 100%"
        guard let quantity = QuantityText(text) else {
            throw UnitParseError(text, expected: expected)
        }
        let fraction: Double
        switch quantity.unit {
        case "%": fraction = quantity.value / 100
        case "": fraction = quantity.value
        default: throw UnitParseError(text, expected: expected)
        }
        guard (0...1).contains(fraction) else {
            throw UnitParseError(text, expected: expected)
        }
        self.fraction = fraction
    }

    package var description: String {
        let percent = (self.fraction * 100_000).rounded() / 1000
        return percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.fraction < rhs.fraction
    }
}
