import NIOCore

/// Runs one ``KCPSession`` on an event loop for a channel handler or a server's session table: feeds it datagrams,
/// drains its messages, flushes it, wakes it through a shared ``KCPTimer``, and watches the peer's liveness.
///
/// gamenet marks the end of a stream with an empty message, so a TCP connection carried over KCP can be half-closed:
/// the far end sees end of input once every byte before it has arrived.
package final class KCPDriver: KCPTimed {
    /// What the driver hands upward.
    package enum Event {
        case message(ByteBuffer)
        /// The peer sent its end-of-stream marker.
        case endOfInput
    }

    package private(set) var session: KCPSession
    package var scheduledWakeUp: NIODeadline?
    private let timer: KCPTimer
    private let idleTimeout: TimeAmount
    private let output: (ByteBuffer) -> Void
    private let deliver: (Event) -> Void
    private let failed: (KCPDriverError) -> Void
    private var lastHeard: NIODeadline
    private var hasFailed = false
    /// Datagrams a flush produced, sent once the session is no longer being mutated: the output may re-enter the
    /// driver (a write that makes a channel writable again, which makes its relay write more).
    private var pendingDatagrams: [ByteBuffer] = []
    /// Whether our end-of-stream marker went out.
    package private(set) var sentEndOfInput = false
    /// Whether the peer's end-of-stream marker arrived.
    package private(set) var receivedEndOfInput = false
    /// Datagrams refused by the session: truncated, another conversation, a bad length or command.
    package private(set) var refusedDatagrams = 0
    /// While set, complete messages stay in the session's receive queue instead of being delivered: the owner's
    /// consumer is full. Once the queue holds a receive window, KCP advertises a window of 0 and the peer stops
    /// sending, so a slow consumer slows the peer instead of growing memory. ``resumeDelivery()`` hands over what
    /// waits; a flush after it tells the peer the window opened again.
    package private(set) var isDeliveryPaused = false

    /// - Parameters:
    ///   - output: sends one datagram to the peer.
    ///   - deliver: receives messages and the end of input, in order.
    ///   - failed: told once when the peer is declared dead.
    package init(
        session: KCPSession,
        timer: KCPTimer,
        idleTimeout: TimeAmount,
        now: NIODeadline,
        output: @escaping (ByteBuffer) -> Void,
        deliver: @escaping (Event) -> Void,
        failed: @escaping (KCPDriverError) -> Void
    ) {
        self.session = session
        self.timer = timer
        self.idleTimeout = idleTimeout
        self.lastHeard = now
        self.output = output
        self.deliver = deliver
        self.failed = failed
        self.pendingDatagrams.reserveCapacity(8)
        self.session.update(now: now.kcpMilliseconds) { self.pendingDatagrams.append($0) }
        self.emitPendingDatagrams()
        self.reschedule(now: now)
    }

    private func emitPendingDatagrams() {
        guard !self.pendingDatagrams.isEmpty else { return }
        let datagrams = self.pendingDatagrams
        self.pendingDatagrams.removeAll(keepingCapacity: true)
        for datagram in datagrams {
            self.output(datagram)
        }
    }

    /// Whether everything sent, the end marker included, has been acknowledged.
    package var isDrained: Bool { self.session.isIdle }

    /// Feeds a datagram from the peer and delivers what became complete.
    package func input(_ datagram: ByteBuffer, now: NIODeadline) {
        do {
            try self.session.input(datagram)
        } catch {
            self.refusedDatagrams += 1
            return
        }
        self.lastHeard = now
        self.deliverReceived()
    }

    /// Holds complete messages back until ``resumeDelivery()``.
    package func pauseDelivery() {
        self.isDeliveryPaused = true
    }

    /// Delivers the messages held while paused, and those that arrive from now on.
    package func resumeDelivery() {
        guard self.isDeliveryPaused else { return }
        self.isDeliveryPaused = false
        self.deliverReceived()
    }

    private func deliverReceived() {
        // `deliver` may pause delivery again, checked before each message.
        while !self.isDeliveryPaused, let message = self.session.receive() {
            if message.readableBytes == 0 {
                self.receivedEndOfInput = true
                self.deliver(.endOfInput)
            } else if !self.receivedEndOfInput {
                self.deliver(.message(message))
            }
        }
    }

    /// Queues a message; sent at the next ``flush(now:)``.
    package func send(_ message: ByteBuffer) throws(KCPSession.SendError) {
        guard message.readableBytes > 0 else { return }
        try self.session.send(message)
    }

    /// Queues the end-of-stream marker, once.
    package func sendEndOfInput() {
        guard !self.sentEndOfInput else { return }
        self.sentEndOfInput = true
        self.session.sendEmptySegment()
    }

    /// Sends what is queued now rather than at the next interval, for low latency.
    package func flush(now: NIODeadline) {
        self.session.update(now: now.kcpMilliseconds) { self.pendingDatagrams.append($0) }
        self.session.flush { self.pendingDatagrams.append($0) }
        self.emitPendingDatagrams()
        self.reschedule(now: now)
    }

    /// Stops waking the session.
    package func stop() {
        self.hasFailed = true
    }

    package func wakeUp(now: NIODeadline) -> NIODeadline? {
        guard !self.hasFailed else { return nil }
        self.session.update(now: now.kcpMilliseconds) { self.pendingDatagrams.append($0) }
        self.emitPendingDatagrams()
        if self.session.isDeadLink {
            self.fail(.deadLink)
            return nil
        }
        if now - self.lastHeard >= self.idleTimeout {
            self.fail(.silent(self.idleTimeout))
            return nil
        }
        return self.nextWakeUp(now: now)
    }

    private func nextWakeUp(now: NIODeadline) -> NIODeadline {
        let check = NIODeadline.fromKCP(self.session.check(now: now.kcpMilliseconds), after: now)
        // Also wake for the idle timeout, which KCP's check knows nothing of.
        return min(check, self.lastHeard + self.idleTimeout)
    }

    private func reschedule(now: NIODeadline) {
        guard !self.hasFailed else { return }
        self.timer.schedule(self, at: self.nextWakeUp(now: now))
    }

    private func fail(_ error: KCPDriverError) {
        guard !self.hasFailed else { return }
        self.hasFailed = true
        self.failed(error)
    }
}

/// Why a KCP session ended without a close from either side.
package enum KCPDriverError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A segment went unacknowledged through 20 retransmissions (ikcp.c's dead link).
    case deadLink
    /// Nothing arrived from the peer for the KCP timeout.
    case silent(TimeAmount)

    package var description: String {
        switch self {
        case .deadLink:
            return "KCP peer unreachable: a segment was retransmitted 20 times without an acknowledgement"
        case .silent(let timeout):
            return "KCP peer silent for \(Duration.nanoseconds(timeout.nanoseconds).shortDescription)"
        }
    }
}

@available(*, unavailable)
extension KCPDriver: Sendable {}
