/// A spec string, flag or preset that does not parse; the message names the offending token.
package struct ImpairmentSpecParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The token that is wrong, as written.
    package var token: String
    /// What is wrong with it.
    package var reason: String

    package init(token: String, _ reason: String) {
        self.token = token
        self.reason = reason
    }

    package var description: String {
        "bad impairment '\(self.token)': \(self.reason)"
    }
}
