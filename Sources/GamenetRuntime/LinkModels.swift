import GamenetCore
import NIOCore

/// The two impairment models of one shaped flow or connection, up (client to target) and down, with what the
/// control API does to them.
struct LinkModels: Sendable {
    var up: Impairment
    var down: Impairment

    init(shaper: LinkShaper, mode: Impairment.Mode, now: NIODeadline) {
        (self.up, self.down) = shaper.makeModels(mode: mode, now: now)
    }

    var counters: (up: ImpairmentCounters, down: ImpairmentCounters) {
        (self.up.counters, self.down.counters)
    }

    mutating func update(up: ImpairmentSpec?, down: ImpairmentSpec?) {
        if let up { self.up.update(up) }
        if let down { self.down.update(down) }
    }

    mutating func resetCounters() {
        self.up.resetCounters()
        self.down.resetCounters()
    }
}
