import NIOConcurrencyHelpers
import NIOCore

/// The channels a service has open, so that a shutdown can close them all.
package final class ChannelRegistry: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
    private let closing = NIOLockedValueBox(false)

    package init() {}

    /// The number of channels open now.
    package var count: Int {
        self.channels.withLockedValue { $0.count }
    }

    /// Adds a channel until it closes; a channel added after ``closeAll()`` is closed at once.
    package func register(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let isClosing = self.closing.withLockedValue { $0 }
        if isClosing {
            channel.close(promise: nil)
            return
        }
        self.channels.withLockedValue { $0[id] = channel }
        channel.closeFuture.whenComplete { [channels] _ in
            channels.withLockedValue { _ = $0.removeValue(forKey: id) }
        }
    }

    /// Closes every channel and completes when all have closed.
    package func closeAll(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        self.closing.withLockedValue { $0 = true }
        let open = self.channels.withLockedValue { Array($0.values) }
        let closed = open.map { channel in
            channel.close().flatMapError { _ in channel.closeFuture }
        }
        return EventLoopFuture.andAllComplete(closed, on: eventLoop)
    }
}
