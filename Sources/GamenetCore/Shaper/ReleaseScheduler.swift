import NIOCore

/// Something the ``ReleaseScheduler`` hands shaped items to when they are due: one direction of a UDP flow, or one
/// side of a shaped TCP connection.
package protocol ReleaseTarget: AnyObject {
    /// Delivers one item whose release time has come.
    func release(_ item: ShapedItem)
    /// Ends a batch of releases: the place to flush.
    func releaseBatchEnded()
}

/// What the shaper holds back: a message or a chunk of a stream, or the end of a stream, which must not overtake the
/// data before it.
package enum ShapedItem {
    case data(ByteBuffer)
    case endOfInput
    case closed
}

/// One release queue and one timer for every shaped item on an event loop.
///
/// Items wait in a ``ReleaseQueue`` ordered by release time; a single scheduled task is armed for the head, and moved
/// only when an earlier item arrives. When it fires, every due item is released, each target is told its batch ended
/// (so it flushes once), and the timer is armed for the new head. There is no timer per packet and no polling loop.
package final class ReleaseScheduler {
    private struct Entry {
        var target: any ReleaseTarget
        var item: ShapedItem
    }

    package let eventLoop: any EventLoop
    private var queue = ReleaseQueue<Entry>()
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    /// Targets released to in the current batch, kept between batches for their storage.
    private var batchTargets: [any ReleaseTarget] = []

    package init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The number of items waiting.
    package var count: Int { self.queue.count }

    /// Whether nothing is waiting, so an item due now may be released at once without overtaking another.
    package var isEmpty: Bool { self.queue.isEmpty }

    /// Holds `item` for `target` until `release`.
    package func schedule(_ item: ShapedItem, for target: any ReleaseTarget, at release: NIODeadline) {
        self.eventLoop.preconditionInEventLoop()
        self.queue.insert(Entry(target: target, item: item), release: release)
        if let deadline = self.timerDeadline, deadline <= release {
            return
        }
        self.arm(at: release)
    }

    /// Drops everything waiting and the timer.
    package func cancelAll() {
        self.timer?.cancel()
        self.timer = nil
        self.timerDeadline = nil
        self.queue.removeAll()
    }

    private func arm(at deadline: NIODeadline) {
        self.timer?.cancel()
        self.timerDeadline = deadline
        let loopBoundSelf = NIOLoopBound(self, eventLoop: self.eventLoop)
        self.timer = self.eventLoop.scheduleTask(deadline: deadline) {
            loopBoundSelf.value.fire()
        }
    }

    private func fire() {
        self.timer = nil
        self.timerDeadline = nil
        let now = self.eventLoop.now
        while let entry = self.queue.popDue(now: now) {
            if self.batchTargets.last.map({ $0 !== entry.target }) ?? true {
                self.batchTargets.append(entry.target)
            }
            entry.target.release(entry.item)
        }
        for target in self.batchTargets {
            target.releaseBatchEnded()
        }
        self.batchTargets.removeAll(keepingCapacity: true)
        if let next = self.queue.nextRelease {
            self.arm(at: next)
        }
    }
}

@available(*, unavailable)
extension ReleaseScheduler: Sendable {}
