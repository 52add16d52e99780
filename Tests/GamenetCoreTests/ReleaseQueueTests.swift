import GamenetCore
import NIOCore
import Testing

/// The shaper's release queue: earliest first, FIFO among equal times, nothing before its time.
@Suite struct ReleaseQueueTests {
    private static let start = NIODeadline.uptimeNanoseconds(0)

    private static func drain<Element>(_ queue: inout ReleaseQueue<Element>) -> [Element] {
        var elements: [Element] = []
        while let element = queue.popDue(now: .distantFuture) { elements.append(element) }
        return elements
    }

    @Test func emptyQueue() {
        var queue = ReleaseQueue<Int>()
        #expect(queue.isEmpty)
        #expect(queue.count == 0)
        #expect(queue.nextRelease == nil)
        #expect(queue.popDue(now: .distantFuture) == nil)
    }

    @Test func releasesEarliestFirst() {
        var queue = ReleaseQueue<String>()
        queue.insert("c", release: Self.start + .milliseconds(30))
        queue.insert("a", release: Self.start + .milliseconds(10))
        queue.insert("d", release: Self.start + .milliseconds(40))
        queue.insert("b", release: Self.start + .milliseconds(20))
        #expect(queue.count == 4)
        #expect(queue.nextRelease == Self.start + .milliseconds(10))
        #expect(Self.drain(&queue) == ["a", "b", "c", "d"])
        #expect(queue.isEmpty)
    }

    @Test func equalTimesLeaveInInsertionOrder() {
        var queue = ReleaseQueue<Int>()
        let release = Self.start + .milliseconds(5)
        for value in 0..<100 {
            queue.insert(value, release: release)
        }
        queue.insert(-1, release: Self.start)
        #expect(Self.drain(&queue) == [-1] + Array(0..<100))
    }

    @Test func popDueRespectsNow() {
        var queue = ReleaseQueue<Int>()
        queue.insert(1, release: Self.start + .milliseconds(10))
        queue.insert(2, release: Self.start + .milliseconds(20))
        #expect(queue.popDue(now: Self.start + .milliseconds(9)) == nil)
        #expect(queue.popDue(now: Self.start + .milliseconds(10)) == 1)
        #expect(queue.popDue(now: Self.start + .milliseconds(10)) == nil)
        #expect(queue.nextRelease == Self.start + .milliseconds(20))
        #expect(queue.popDue(now: Self.start + .milliseconds(19) + .nanoseconds(999_999)) == nil)
        #expect(queue.popDue(now: Self.start + .milliseconds(25)) == 2)
        #expect(queue.isEmpty)
    }

    @Test func removeAllEmptiesTheQueueAndItKeepsWorking() {
        var queue = ReleaseQueue<Int>()
        for value in 0..<10 { queue.insert(value, release: Self.start + .milliseconds(Int64(10 - value))) }
        queue.removeAll()
        #expect(queue.isEmpty)
        #expect(queue.nextRelease == nil)
        queue.insert(7, release: Self.start)
        #expect(Self.drain(&queue) == [7])
    }

    @Test(arguments: [UInt64(1), 2, 3, 42])
    func matchesASortedReference(seed: UInt64) {
        // Random inserts (many ties, since times come from a small range) interleaved with pops as the clock
        // advances, against a stable sort by (release, insertion order).
        var generator = SplitMix64(seed: seed)
        var queue = ReleaseQueue<Int>()
        var reference: [(release: NIODeadline, order: Int)] = []
        var now = Self.start
        var popped: [Int] = []
        var expected: [Int] = []
        for order in 0..<5000 {
            let release = now + .milliseconds(Int64.random(in: 0..<50, using: &generator))
            queue.insert(order, release: release)
            reference.append((release, order))
            if Int.random(in: 0..<4, using: &generator) == 0 {
                now = now + .milliseconds(Int64.random(in: 0..<20, using: &generator))
                while let element = queue.popDue(now: now) { popped.append(element) }
                reference.sort { ($0.release, $0.order) < ($1.release, $1.order) }
                let due = reference.prefix { $0.release <= now }
                expected.append(contentsOf: due.map(\.order))
                reference.removeFirst(due.count)
                #expect(queue.count == reference.count)
                #expect(queue.nextRelease == reference.first?.release)
            }
        }
        popped.append(contentsOf: Self.drain(&queue))
        reference.sort { ($0.release, $0.order) < ($1.release, $1.order) }
        expected.append(contentsOf: reference.map(\.order))
        #expect(popped == expected)
        #expect(popped.count == 5000)
    }
}
