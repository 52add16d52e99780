/// An endpoint URL that does not follow the grammar; the message names the bad part.
package struct EndpointParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The whole text that was given.
    package var text: String
    /// What is wrong with it, naming the part.
    package var reason: String

    package init(_ text: String, _ reason: String) {
        self.text = text
        self.reason = reason
    }

    package var description: String {
        "bad endpoint '\(self.text)': \(self.reason)"
    }
}
