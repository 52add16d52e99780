/// A number followed by a unit suffix, as in `1.5s`, `10mbit` or `64KiB`: the shared first step of every unit parser.
struct QuantityText {
    /// The numeric part, finite and not negative.
    var value: Double
    /// The unit exactly as written, possibly empty.
    var unit: Substring

    /// Splits `text` into a non-negative decimal number and the suffix after it.
    init?(_ text: String) {
        let trimmed = text[...]
        let numberEnd =
            trimmed.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) ?? trimmed.endIndex
        let number = trimmed[..<numberEnd]
        // Reject forms such as ".", "1.", "1..2" and "+1" that Double(_:) would either refuse or read loosely.
        guard !number.isEmpty, number.first != ".", number.last != ".",
            number.filter({ $0 == "." }).count <= 1,
            let value = Double(number), value.isFinite
        else {
            return nil
        }
        self.value = value
        self.unit = trimmed[numberEnd...]
    }
}
