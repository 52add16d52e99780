import GamenetCore
import NIOConcurrencyHelpers
import NIOCore

/// The live state of a running `impair`: the specs in force, the release scheduler of each event loop, and every
/// shaped flow or connection, so that settings can change mid-run and counters can be read at any time.
package final class LinkShaper: Sendable {
    /// The two directions of a link.
    package enum Direction: String, Sendable, CaseIterable {
        case up
        case down
    }

    private struct State {
        var configuration: ShapingConfiguration
        var nextLinkIndex: UInt64 = 0
        var links: [ObjectIdentifier: any ShapedLink] = [:]
        /// Counters of links that have closed.
        var closedUp = ImpairmentCounters()
        var closedDown = ImpairmentCounters()
        var schedulers: [ObjectIdentifier: SchedulerBox] = [:]
    }

    private let state: NIOLockedValueBox<State>
    /// When the shaper started; outages and waves count from here.
    package let start: NIODeadline

    package init(configuration: ShapingConfiguration, start: NIODeadline = .now()) {
        self.state = NIOLockedValueBox(State(configuration: configuration))
        self.start = start
    }

    /// The configuration in force.
    package var configuration: ShapingConfiguration {
        self.state.withLockedValue { $0.configuration }
    }

    /// The release scheduler of `eventLoop`, made on first use; call on that event loop only.
    package func scheduler(on eventLoop: any EventLoop) -> ReleaseScheduler {
        eventLoop.preconditionInEventLoop()
        let key = ObjectIdentifier(eventLoop)
        return self.state.withLockedValue { state in
            if let box = state.schedulers[key] { return box.scheduler }
            let box = SchedulerBox(ReleaseScheduler(eventLoop: eventLoop))
            state.schedulers[key] = box
            return box.scheduler
        }
    }

    /// The models for a new flow or connection: the current specs and seeds of their own, derived from the main
    /// seed and the link's number, so every run with the same seed and the same order of flows repeats itself.
    package func makeModels(mode: Impairment.Mode, now: NIODeadline) -> (up: Impairment, down: Impairment) {
        let (configuration, index) = self.state.withLockedValue { state -> (ShapingConfiguration, UInt64) in
            defer { state.nextLinkIndex += 1 }
            return (state.configuration, state.nextLinkIndex)
        }
        var seeds = SplitMix64(seed: configuration.seed ^ (index &* 0x9e37_79b9_7f4a_7c15))
        let up = Impairment(spec: configuration.up, start: self.start, seed: seeds.next(), mode: mode)
        let down = Impairment(spec: configuration.down, start: self.start, seed: seeds.next(), mode: mode)
        return (up, down)
    }

    /// Adds a link so that updates reach it and its counters are counted.
    package func register(_ link: any ShapedLink) {
        self.state.withLockedValue { $0.links[ObjectIdentifier(link)] = link }
    }

    /// Removes a closed link, keeping its final counters in the totals.
    package func unregister(_ link: any ShapedLink, up: ImpairmentCounters, down: ImpairmentCounters) {
        self.state.withLockedValue { state in
            state.links.removeValue(forKey: ObjectIdentifier(link))
            state.closedUp.add(up)
            state.closedDown.add(down)
        }
    }

    /// Replaces the spec of one or both directions for every link, now and to come.
    package func update(up: ImpairmentSpec?, down: ImpairmentSpec?) {
        let links = self.state.withLockedValue { state -> [any ShapedLink] in
            if let up { state.configuration.up = up }
            if let down { state.configuration.down = down }
            return Array(state.links.values)
        }
        for link in links {
            link.eventLoop.execute { link.update(up: up, down: down) }
        }
    }

    /// The counters of each direction, summed over every link, open or closed.
    package func counters() async -> (up: ImpairmentCounters, down: ImpairmentCounters) {
        let (links, closedUp, closedDown) = self.state.withLockedValue {
            (Array($0.links.values), $0.closedUp, $0.closedDown)
        }
        var up = closedUp
        var down = closedDown
        for link in links {
            if let counters = try? await link.eventLoop.submit({ link.counters }).get() {
                up.add(counters.up)
                down.add(counters.down)
            }
        }
        return (up, down)
    }

    /// Sets every counter back to zero.
    package func resetCounters() {
        let links = self.state.withLockedValue { state -> [any ShapedLink] in
            state.closedUp = ImpairmentCounters()
            state.closedDown = ImpairmentCounters()
            return Array(state.links.values)
        }
        for link in links {
            link.eventLoop.execute { link.resetCounters() }
        }
    }
}

/// A flow or connection being shaped, living on one event loop.
package protocol ShapedLink: AnyObject, Sendable {
    var eventLoop: any EventLoop { get }
    /// Call on ``eventLoop``.
    var counters: (up: ImpairmentCounters, down: ImpairmentCounters) { get }
    /// Call on ``eventLoop``.
    func update(up: ImpairmentSpec?, down: ImpairmentSpec?)
    /// Call on ``eventLoop``.
    func resetCounters()
}

/// A scheduler kept in the shared state; it is only ever used on its own event loop, which
/// ``LinkShaper/scheduler(on:)`` checks.
private final class SchedulerBox: @unchecked Sendable {
    let scheduler: ReleaseScheduler

    init(_ scheduler: ReleaseScheduler) {
        self.scheduler = scheduler
    }
}

extension ImpairmentCounters {
    /// Adds `other`'s counts to these.
    package mutating func add(_ other: ImpairmentCounters) {
        self.received += other.received
        self.passed += other.passed
        self.passedBytes += other.passedBytes
        self.droppedByLoss += other.droppedByLoss
        self.droppedByOutage += other.droppedByOutage
        self.droppedByQueue += other.droppedByQueue
        self.duplicated += other.duplicated
        self.reordered += other.reordered
        self.corrupted += other.corrupted
        self.queued += other.queued
        self.queueDelayNanoseconds += other.queueDelayNanoseconds
    }
}
