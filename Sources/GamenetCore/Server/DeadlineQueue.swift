import NIOCore

/// A min-heap of deadlines with a value each: the server's timers, so that the runtime arms a single timer for the
/// earliest one however many sessions there are.
///
/// Entries are never removed early. A timer that no longer applies (a session that resumed before its window ended)
/// is checked against the state when it fires and ignored, which keeps cancellation O(1).
package struct DeadlineQueue<Value> {
    private var heap: [(deadline: NIODeadline, order: UInt64, value: Value)] = []
    private var nextOrder: UInt64 = 0

    package init() {}

    package var count: Int { self.heap.count }
    package var isEmpty: Bool { self.heap.isEmpty }

    /// The earliest deadline.
    package var earliest: NIODeadline? { self.heap.first?.deadline }

    package mutating func insert(_ value: Value, at deadline: NIODeadline) {
        // Equal deadlines fire in insertion order.
        self.heap.append((deadline, self.nextOrder, value))
        self.nextOrder &+= 1
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.precedes(child, parent) else { break }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    package mutating func popDue(now: NIODeadline) -> Value? {
        guard let first = self.heap.first, first.deadline <= now else { return nil }
        let last = self.heap.removeLast()
        if !self.heap.isEmpty {
            self.heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < self.heap.count, self.precedes(left, smallest) { smallest = left }
                if right < self.heap.count, self.precedes(right, smallest) { smallest = right }
                guard smallest != parent else { break }
                self.heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.value
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        (self.heap[a].deadline, self.heap[a].order) < (self.heap[b].deadline, self.heap[b].order)
    }
}
