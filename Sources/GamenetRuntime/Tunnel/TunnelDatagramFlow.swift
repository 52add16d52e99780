import GamenetCore
import NIOCore

/// One flow of a UDP tunnel (UDPspeeder's use): datagrams go through FEC and the AEAD only, with no retransmission,
/// so a game's packets arrive late never, and lost only when FEC cannot rebuild them. One side of the flow is plain
/// (the application's peer), the other sealed (the other tunnel end). The flow ends after its idle timeout.
final class TunnelDatagramFlow {
    private let eventLoop: any EventLoop
    private var codec: TunnelDatagramCodec
    private var generator = SystemRandomNumberGenerator()
    private let idleTimeout: TimeAmount
    private let onClose: (TunnelDatagramFlow) -> Void
    /// Where plain datagrams go: a channel and the address to send to (nil: the channel is connected).
    var plain: (channel: any Channel, peer: SocketAddress)?
    /// Where sealed datagrams go.
    var sealed: (channel: any Channel, peer: SocketAddress)?
    /// Plain datagrams that arrived before the sealed side was ready, at most ``queueLimit``.
    private var queued: [ByteBuffer] = []
    /// Sealed datagrams that arrived before the plain side was ready.
    private var queuedSealed: [ByteBuffer] = []
    private static let queueLimit = 64
    private var lastActive: NIODeadline
    private var idleTask: Scheduled<Void>?
    private var fecTask: Scheduled<Void>?
    private var scratch: [ByteBuffer] = []
    /// The key this flow is filed under by its owner.
    let key: SocketAddress
    private(set) var counters = TunnelCounters()
    private(set) var isClosed = false

    init(
        key: SocketAddress,
        eventLoop: any EventLoop,
        codec: TunnelDatagramCodec,
        idleTimeout: TimeAmount,
        onClose: @escaping (TunnelDatagramFlow) -> Void
    ) {
        self.key = key
        self.eventLoop = eventLoop
        self.codec = codec
        self.idleTimeout = idleTimeout
        self.onClose = onClose
        self.lastActive = eventLoop.now
        self.armIdleTimer()
    }

    var codecState: TunnelDatagramCodec { self.codec }

    /// A datagram from the application's side: sealed and sent to the other tunnel end.
    func plainReceived(_ datagram: ByteBuffer) {
        guard !self.isClosed else { return }
        self.lastActive = self.eventLoop.now
        guard self.sealed != nil else {
            if self.queued.count < Self.queueLimit { self.queued.append(datagram) }
            return
        }
        self.scratch.removeAll(keepingCapacity: true)
        self.codec.encode(datagram, now: self.eventLoop.now, using: &self.generator, into: &self.scratch)
        self.sendSealed(self.scratch)
        self.armFECTimer()
    }

    /// The sealed side is ready: sends what waited for it.
    func sealedSideReady(channel: any Channel, peer: SocketAddress) {
        self.sealed = (channel, peer)
        let queued = self.queued
        self.queued = []
        for datagram in queued { self.plainReceived(datagram) }
    }

    /// The plain side is ready: opens what waited for it.
    func plainSideReady(channel: any Channel, peer: SocketAddress) {
        self.plain = (channel, peer)
        let queued = self.queuedSealed
        self.queuedSealed = []
        for datagram in queued { self.sealedReceived(datagram) }
    }

    /// A datagram from the other tunnel end: opened, and what it carries or rebuilt sent to the application.
    func sealedReceived(_ datagram: ByteBuffer) {
        guard !self.isClosed else { return }
        guard self.plain != nil else {
            if self.queuedSealed.count < Self.queueLimit { self.queuedSealed.append(datagram) }
            return
        }
        self.counters.packetsIn += 1
        self.counters.bytesIn += datagram.readableBytes
        self.scratch.removeAll(keepingCapacity: true)
        self.codec.decode(datagram, now: self.eventLoop.now, into: &self.scratch)
        guard !self.scratch.isEmpty else { return }
        self.lastActive = self.eventLoop.now
        guard let plain = self.plain else { return }
        for payload in self.scratch {
            plain.channel.write(AddressedEnvelope(remoteAddress: plain.peer, data: payload), promise: nil)
        }
        plain.channel.flush()
    }

    private func sendSealed(_ datagrams: [ByteBuffer]) {
        guard let sealed = self.sealed, !datagrams.isEmpty else { return }
        for datagram in datagrams {
            self.counters.packetsOut += 1
            self.counters.bytesOut += datagram.readableBytes
            sealed.channel.write(AddressedEnvelope(remoteAddress: sealed.peer, data: datagram), promise: nil)
        }
        sealed.channel.flush()
    }

    private func armFECTimer() {
        guard self.fecTask == nil, let deadline = self.codec.nextDeadline else { return }
        self.fecTask = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.fecTask = nil
            guard !self.isClosed else { return }
            self.scratch.removeAll(keepingCapacity: true)
            self.codec.flush(now: self.eventLoop.now, using: &self.generator, into: &self.scratch)
            self.sendSealed(self.scratch)
            self.armFECTimer()
        }
    }

    private func armIdleTimer() {
        self.idleTask = self.eventLoop.assumeIsolated().scheduleTask(deadline: self.lastActive + self.idleTimeout) {
            guard !self.isClosed else { return }
            if self.eventLoop.now - self.lastActive >= self.idleTimeout {
                self.close()
            } else {
                self.armIdleTimer()
            }
        }
    }

    /// Ends the flow.
    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        self.idleTask?.cancel()
        self.fecTask?.cancel()
        self.onClose(self)
    }
}

@available(*, unavailable)
extension TunnelDatagramFlow: Sendable {}
