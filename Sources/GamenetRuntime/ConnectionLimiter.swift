import GamenetCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Counts the connections a listener has open and refuses those past its limit, with a log line for each.
struct ConnectionLimiter: Sendable {
    let limit: Int
    private let active = NIOLockedValueBox(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Admits `channel` if there is room, counting it until it closes; otherwise logs the refusal and returns the
    /// error to fail the channel's initializer with, which closes it.
    func admit(_ channel: any Channel, peer: String, logger: Logger) -> (any Error)? {
        let admitted = self.active.withLockedValue { count -> Bool in
            guard count < self.limit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            logger.warning("refusing connection from \(peer): \(self.limit) connections already open")
            return GamenetError(.unavailable, "too many connections")
        }
        let active = self.active
        channel.closeFuture.whenComplete { _ in active.withLockedValue { $0 -= 1 } }
        return nil
    }
}
