import NIOCore

/// Packets waiting for their release time, earliest first; packets due at the same time leave in the order they
/// were added.
///
/// A binary heap in one array that keeps its capacity, so a steady flow of packets allocates nothing once the queue
/// has grown to its working size. One queue and one timer for its head serve a whole event loop.
package struct ReleaseQueue<Element> {
    private struct Entry {
        var release: NIODeadline
        var order: UInt64
        var element: Element

        func precedes(_ other: Entry) -> Bool {
            self.release < other.release || (self.release == other.release && self.order < other.order)
        }
    }

    private var heap: [Entry] = []
    private var nextOrder: UInt64 = 0

    package init() {}

    package var isEmpty: Bool { self.heap.isEmpty }
    package var count: Int { self.heap.count }

    /// The release time of the earliest packet.
    package var nextRelease: NIODeadline? { self.heap.first?.release }

    /// Adds `element` to be released at `release`.
    package mutating func insert(_ element: Element, release: NIODeadline) {
        self.heap.append(Entry(release: release, order: self.nextOrder, element: element))
        self.nextOrder &+= 1
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.heap[child].precedes(self.heap[parent]) else { break }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest element if it is due at `now`.
    package mutating func popDue(now: NIODeadline) -> Element? {
        guard let first = self.heap.first, first.release <= now else { return nil }
        let last = self.heap.removeLast()
        guard !self.heap.isEmpty else { return first.element }
        self.heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < self.heap.count, self.heap[left].precedes(self.heap[smallest]) { smallest = left }
            if right < self.heap.count, self.heap[right].precedes(self.heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            self.heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first.element
    }

    /// Removes every element, keeping the storage.
    package mutating func removeAll() {
        self.heap.removeAll(keepingCapacity: true)
    }
}
