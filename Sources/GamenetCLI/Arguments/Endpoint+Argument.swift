import ArgumentParser
import GamenetCore

extension Endpoint {
    /// Parses an endpoint argument; the thrown error names the bad part of the URL.
    static func argument(_ text: String) throws -> Endpoint {
        do {
            return try Endpoint(parsing: text)
        } catch {
            throw ValidationError(error.reason)
        }
    }
}
