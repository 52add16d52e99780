import NIOCore

/// Something a ``KCPTimer`` wakes: a KCP session or a set of them.
package protocol KCPTimed: AnyObject {
    /// The deadline the timer holds for this object, kept by the timer.
    var scheduledWakeUp: NIODeadline? { get set }
    /// Runs the session's `update` and returns when it next needs one (its `check()`), or `nil` if never.
    func wakeUp(now: NIODeadline) -> NIODeadline?
}

/// One timer for many KCP sessions: each is woken at its own `check()` deadline from one queue, with a single
/// scheduled task for the earliest (no timer per session, no fixed tick).
package final class KCPTimer {
    private struct Entry {
        var target: any KCPTimed
        var deadline: NIODeadline
    }

    private let eventLoop: any EventLoop
    private var queue = ReleaseQueue<Entry>()
    private var task: Scheduled<Void>?
    private var taskDeadline: NIODeadline?

    package init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Wakes `target` at `deadline`, unless it is already due to wake earlier.
    package func schedule(_ target: any KCPTimed, at deadline: NIODeadline) {
        if let existing = target.scheduledWakeUp, existing <= deadline { return }
        target.scheduledWakeUp = deadline
        self.queue.insert(Entry(target: target, deadline: deadline), release: deadline)
        if let armed = self.taskDeadline, armed <= deadline { return }
        self.arm(at: deadline)
    }

    /// Stops the timer; queued wake-ups are dropped.
    package func cancel() {
        self.task?.cancel()
        self.task = nil
        self.taskDeadline = nil
        self.queue.removeAll()
    }

    private func arm(at deadline: NIODeadline) {
        self.task?.cancel()
        self.taskDeadline = deadline
        let loopBoundSelf = NIOLoopBound(self, eventLoop: self.eventLoop)
        self.task = self.eventLoop.scheduleTask(deadline: deadline) { loopBoundSelf.value.fire() }
    }

    private func fire() {
        self.task = nil
        self.taskDeadline = nil
        let now = self.eventLoop.now
        while let entry = self.queue.popDue(now: now) {
            // An entry is stale when its target was rescheduled earlier and has been woken since.
            guard entry.target.scheduledWakeUp == entry.deadline else { continue }
            entry.target.scheduledWakeUp = nil
            if let next = entry.target.wakeUp(now: now) {
                self.schedule(entry.target, at: max(next, now + .milliseconds(1)))
            }
        }
        if let next = self.queue.nextRelease {
            self.arm(at: next)
        }
    }
}

@available(*, unavailable)
extension KCPTimer: Sendable {}

extension NIODeadline {
    /// The deadline on KCP's 32-bit millisecond clock.
    package var kcpMilliseconds: UInt32 {
        UInt32(truncatingIfNeeded: self.uptimeNanoseconds / 1_000_000)
    }

    /// The deadline `milliseconds` (a KCP clock value after `reference`) stands for.
    package static func fromKCP(_ milliseconds: UInt32, after reference: NIODeadline) -> NIODeadline {
        let delta = Int64(Int32(bitPattern: milliseconds &- reference.kcpMilliseconds))
        return reference + .milliseconds(max(0, delta))
    }
}
