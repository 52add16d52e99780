import NIOConcurrencyHelpers
import NIOCore

extension KCPTimer {
    /// The one timer of `eventLoop`, shared by every KCP session on it: client channels and server sockets alike.
    ///
    /// Call on `eventLoop`. A session that ends stops answering its wake-ups; the timer itself lives as long as the
    /// process, one per event loop.
    package static func shared(on eventLoop: any EventLoop) -> KCPTimer {
        eventLoop.preconditionInEventLoop()
        let key = ObjectIdentifier(eventLoop)
        return sharedTimers.withLockedValue { timers in
            if let box = timers[key] { return box.timer }
            let box = TimerBox(KCPTimer(eventLoop: eventLoop))
            timers[key] = box
            return box.timer
        }
    }
}

/// A timer kept in the process-wide table; it is only ever used on its own event loop, which
/// ``KCPTimer/shared(on:)`` checks.
private final class TimerBox: @unchecked Sendable {
    let timer: KCPTimer

    init(_ timer: KCPTimer) {
        self.timer = timer
    }
}

private let sharedTimers = NIOLockedValueBox<[ObjectIdentifier: TimerBox]>([:])
