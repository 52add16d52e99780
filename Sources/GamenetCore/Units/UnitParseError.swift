/// A duration, rate, percentage or size that does not parse; the message names the text and what was expected.
package struct UnitParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that was given.
    package var text: String
    /// What a valid value looks like.
    package var expected: String

    package init(_ text: String, expected: String) {
        self.text = text
        self.expected = expected
    }

    package var description: String {
        "bad value '\(self.text)', expected \(self.expected)"
    }
}
