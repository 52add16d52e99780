import ArgumentParser
import GamenetCore
import NIOCore

// Durations, rates, percentages and sizes parse the same way for every command: the parsers live in GamenetCore,
// and these conformances let ArgumentParser use them, print their defaults in help and name a bad value.

extension Duration: @retroactive ExpressibleByArgument {
    public init?(argument: String) {
        guard let duration = try? Duration(parsing: argument) else { return nil }
        self = duration
    }

    public var defaultValueDescription: String {
        self.shortDescription
    }
}

extension Rate: ExpressibleByArgument {
    package init?(argument: String) {
        guard let rate = try? Rate(parsing: argument) else { return nil }
        self = rate
    }
}

extension Percentage: ExpressibleByArgument {
    package init?(argument: String) {
        guard let percentage = try? Percentage(parsing: argument) else { return nil }
        self = percentage
    }
}

extension ByteCount: ExpressibleByArgument {
    package init?(argument: String) {
        guard let count = try? ByteCount(parsing: argument) else { return nil }
        self = count
    }
}

extension FramingMode: ExpressibleByArgument {}

extension Duration {
    /// Parses a duration option with a message that says what a duration looks like.
    static func argument(_ text: String) throws -> Duration {
        do {
            return try Duration(parsing: text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The duration as a NIO `TimeAmount`.
    var timeAmount: TimeAmount {
        .nanoseconds(self.totalNanoseconds)
    }
}
