import NIOConcurrencyHelpers

/// Counts, across every connection of a scale benchmark and every event loop, the echoes received and the
/// connections lost.
final class ConnectionTally: Sendable {
    private struct Counts {
        var echoes = 0
        var closed = 0
    }

    private let counts = NIOLockedValueBox(Counts())

    func echoed(_ messages: Int) {
        self.counts.withLockedValue { $0.echoes += messages }
    }

    func closed() {
        self.counts.withLockedValue { $0.closed += 1 }
    }

    var echoes: Int { self.counts.withLockedValue { $0.echoes } }
    var closedCount: Int { self.counts.withLockedValue { $0.closed } }
}
