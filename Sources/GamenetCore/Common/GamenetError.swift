/// An error that ends a gamenet command, with the exit status it maps to.
///
/// The statuses follow sysexits(3), as DESIGN.md asks: scripts can tell a typo (64) from a bad packet (65) from a
/// peer that is down (69) from a broken pipe (74).
package struct GamenetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of failure, which decides the exit status.
    package enum Kind: Hashable, Sendable {
        /// The command line is wrong (EX_USAGE).
        case usage
        /// Input data was malformed (EX_DATAERR).
        case badData
        /// A peer refused, was unreachable or timed out; a port could not be bound (EX_UNAVAILABLE).
        case unavailable
        /// A bug in gamenet (EX_SOFTWARE).
        case internalError
        /// Reading or writing failed (EX_IOERR).
        case ioError
    }

    package var kind: Kind
    /// One line that says what failed and where.
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The sysexits(3) status for this error.
    package var exitCode: Int32 {
        switch self.kind {
        case .usage: return 64
        case .badData: return 65
        case .unavailable: return 69
        case .internalError: return 70
        case .ioError: return 74
        }
    }

    package var description: String {
        self.message
    }
}
