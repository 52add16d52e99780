import GamenetCore
import NIOCore

/// The shaping of one UDP flow: a model per direction, and the two ends that shaped datagrams are released to.
///
/// Upstream datagrams (peer to target) go to the flow's target channel; downstream ones (target to peer) go out of
/// the listener's socket to the peer. A datagram due at once while nothing waits on this event loop is sent straight
/// away, so an unimpaired flow costs no queueing at all.
final class ShapedDatagramFlow: ShapedLink, @unchecked Sendable {
    let eventLoop: any EventLoop
    private var models: LinkModels
    private let scheduler: ReleaseScheduler
    private let shaper: LinkShaper
    private let upstream: Upstream
    private let downstream: Downstream

    init(flow: UDPFlow, listener: any Channel, shaper: LinkShaper, now: NIODeadline) {
        self.eventLoop = listener.eventLoop
        self.models = LinkModels(shaper: shaper, mode: .datagrams, now: now)
        self.scheduler = shaper.scheduler(on: listener.eventLoop)
        self.shaper = shaper
        self.upstream = Upstream(flow: flow)
        self.downstream = Downstream(flow: flow, listener: listener)
        shaper.register(self)
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

    /// Shapes a datagram from the peer; returns it if it is to be written to the target now.
    func shapeUpstream(_ datagram: ByteBuffer, now: NIODeadline) -> ByteBuffer? {
        Self.shape(datagram, model: &self.models.up, target: self.upstream, scheduler: self.scheduler, now: now)
    }

    /// Shapes a datagram from the target; returns it if it is to be sent to the peer now.
    func shapeDownstream(_ datagram: ByteBuffer, now: NIODeadline) -> ByteBuffer? {
        Self.shape(datagram, model: &self.models.down, target: self.downstream, scheduler: self.scheduler, now: now)
    }

    /// Folds the flow's counters into the totals; the flow is gone.
    func close() {
        self.shaper.unregister(self, up: self.models.up.counters, down: self.models.down.counters)
    }

    private static func shape(
        _ datagram: ByteBuffer,
        model: inout Impairment,
        target: any ReleaseTarget,
        scheduler: ReleaseScheduler,
        now: NIODeadline
    ) -> ByteBuffer? {
        let fate = model.decide(size: datagram.readableBytes, now: now)
        guard let release = fate.release else { return nil }
        var datagram = datagram
        if let bit = fate.corruptedBit {
            datagram.flipBit(bit)
        }
        var immediate: ByteBuffer?
        if release <= now, scheduler.isEmpty {
            immediate = datagram
        } else {
            scheduler.schedule(.data(datagram), for: target, at: release)
        }
        if let copyRelease = fate.duplicateRelease {
            scheduler.schedule(.data(datagram), for: target, at: copyRelease)
        }
        return immediate
    }

    /// Releases upstream datagrams to the flow's target channel.
    private final class Upstream: ReleaseTarget {
        let flow: UDPFlow

        init(flow: UDPFlow) {
            self.flow = flow
        }

        func release(_ item: ShapedItem) {
            guard case .data(let datagram) = item, case .open(let target) = self.flow.state else { return }
            target.write(datagram, promise: nil)
        }

        func releaseBatchEnded() {
            if case .open(let target) = self.flow.state {
                target.flush()
            }
        }
    }

    /// Releases downstream datagrams to the peer, from the listener's socket.
    private final class Downstream: ReleaseTarget {
        let flow: UDPFlow
        let listener: any Channel

        init(flow: UDPFlow, listener: any Channel) {
            self.flow = flow
            self.listener = listener
        }

        func release(_ item: ShapedItem) {
            guard case .data(let datagram) = item, self.listener.isWritable else { return }
            self.listener.write(AddressedEnvelope(remoteAddress: self.flow.peer, data: datagram), promise: nil)
        }

        func releaseBatchEnded() {
            self.listener.flush()
        }
    }
}

extension ByteBuffer {
    /// Flips one bit of the readable bytes, counting from the most significant bit of the first byte.
    mutating func flipBit(_ bit: Int) {
        let index = self.readerIndex + bit / 8
        guard let byte = self.getInteger(at: index, as: UInt8.self) else { return }
        self.setInteger(byte ^ (0x80 >> UInt8(bit % 8)), at: index)
    }
}
