import GamenetCore
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The shaping of one relayed TCP connection: a stream model per direction, and the faults that end a connection
/// (toxiproxy's `limit_data` and `reset_peer`).
final class ShapedStreamConnection: ShapedLink, @unchecked Sendable {
    let eventLoop: any EventLoop
    let scheduler: ReleaseScheduler
    let configuration: ShapingConfiguration
    private var models: LinkModels
    private let shaper: LinkShaper
    private var channels: [any Channel] = []
    private var bytesPassed = 0
    private var resetTimer: Scheduled<Void>?
    private var isReset = false
    private var isUnregistered = false

    init(eventLoop: any EventLoop, shaper: LinkShaper) {
        self.eventLoop = eventLoop
        self.shaper = shaper
        self.configuration = shaper.configuration
        self.scheduler = shaper.scheduler(on: eventLoop)
        self.models = LinkModels(shaper: shaper, mode: .stream, now: eventLoop.now)
        shaper.register(self)
        if let resetAfter = self.configuration.resetAfter {
            let loopBoundSelf = NIOLoopBound(self, eventLoop: eventLoop)
            self.resetTimer = eventLoop.scheduleTask(in: resetAfter) {
                loopBoundSelf.value.reset()
            }
        }
    }

    var counters: (up: ImpairmentCounters, down: ImpairmentCounters) {
        self.models.counters
    }

    func update(up: ImpairmentSpec?, down: ImpairmentSpec?) {
        self.models.update(up: up, down: down)
    }

    func resetCounters() {
        self.models.resetCounters()
    }

    /// The shaping of one direction, for the relay handler of the side that reads it.
    func shaping(_ direction: LinkShaper.Direction) -> any RelayShaping {
        ShapedStreamDirection(connection: self, direction: direction)
    }

    /// Adds one of the connection's two channels; when it closes, the shaping of the connection ends.
    func attach(_ channel: any Channel) {
        self.channels.append(channel)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: self.eventLoop)
        channel.closeFuture.whenComplete { _ in loopBoundSelf.value.channelClosed() }
    }

    /// The release time of `size` bytes read at `now` in `direction`.
    func release(direction: LinkShaper.Direction, size: Int, now: NIODeadline) -> NIODeadline {
        let fate: PacketFate
        switch direction {
        case .up: fate = self.models.up.decide(size: size, now: now)
        case .down: fate = self.models.down.decide(size: size, now: now)
        }
        // A stream model never drops; `now` is only a fallback.
        return fate.release ?? now
    }

    /// Counts bytes about to be passed on, and says how many of them may pass before `--reset-after` cuts the
    /// connection (all of them when no limit is set).
    func admit(_ size: Int) -> Int {
        guard !self.isReset else { return 0 }
        guard let limit = self.configuration.resetAfterBytes else { return size }
        let allowed = min(size, max(0, limit - self.bytesPassed))
        self.bytesPassed += allowed
        if self.bytesPassed >= limit {
            let loopBoundSelf = NIOLoopBound(self, eventLoop: self.eventLoop)
            // After the allowed bytes have been handed on, in this same tick.
            self.eventLoop.execute { loopBoundSelf.value.reset() }
        }
        return allowed
    }

    /// Resets both connections: SO_LINGER with a zero timeout makes close send RST instead of FIN.
    func reset() {
        guard !self.isReset else { return }
        self.isReset = true
        for channel in self.channels {
            guard let provider = channel as? any SocketOptionProvider else {
                channel.close(promise: nil)
                continue
            }
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    private func channelClosed() {
        self.resetTimer?.cancel()
        self.resetTimer = nil
        guard !self.isUnregistered, self.channels.allSatisfy({ !$0.isActive }) else { return }
        self.isUnregistered = true
        self.shaper.unregister(self, up: self.models.up.counters, down: self.models.down.counters)
    }
}

/// One direction of a shaped TCP connection, as its relay handler sees it.
private final class ShapedStreamDirection: RelayShaping {
    let connection: ShapedStreamConnection
    let direction: LinkShaper.Direction

    init(connection: ShapedStreamConnection, direction: LinkShaper.Direction) {
        self.connection = connection
        self.direction = direction
    }

    var scheduler: ReleaseScheduler { self.connection.scheduler }
    var sliceSize: Int? { self.connection.configuration.sliceSize }
    var slowClose: TimeAmount? { self.connection.configuration.slowClose }

    func release(size: Int, now: NIODeadline) -> NIODeadline {
        self.connection.release(direction: self.direction, size: size, now: now)
    }

    func admit(_ size: Int) -> Int {
        self.connection.admit(size)
    }
}
