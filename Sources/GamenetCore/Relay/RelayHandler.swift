import NIOCore

/// One half of a pair of handlers that pipes messages between two channels on the same event loop, both ways.
///
/// What one channel reads, its partner writes; a flush follows every batch of reads. The pair carries three more
/// things a proxy needs, as `socat` does:
/// - **Backpressure.** A channel reads only while its partner is writable, so a slow reader on one side stops reads
///   on the other and memory stays bounded whatever the speeds.
/// - **Half-close.** When one side's input ends, the partner shuts its output once every byte before the end is
///   written. A transport that cannot shut its output (UDP) instead closes after `linger` with nothing read, since
///   no end of stream will ever arrive on it.
/// - **Close.** When one channel closes, its partner closes after writing what it still holds.
///
/// Both channels carry `ByteBuffer`s: framing handlers, if any, sit between the socket and this handler.
///
/// With a ``RelayShaping`` (`impair` over TCP), what one side reads is held in the event loop's
/// ``ReleaseScheduler`` until its release time and then written by the partner; the end of the stream and the close
/// are held behind the data, and reads stop while too much is held.
package final class RelayHandler: ChannelDuplexHandler, ReleaseTarget {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ByteBuffer
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    /// What one side of the relay can do.
    package struct Side: Sendable {
        /// Whether the channel is a byte stream whose output can be shut down on its own (TCP, a pipe).
        package var canHalfClose: Bool
        /// How long the channel stays open, once its partner's input has ended, while it keeps reading messages;
        /// used only where `canHalfClose` is false.
        package var linger: TimeAmount

        package init(canHalfClose: Bool, linger: TimeAmount) {
            self.canHalfClose = canHalfClose
            self.linger = linger
        }
    }

    private let side: Side
    private var partner: RelayHandler?
    private var context: ChannelHandlerContext?
    /// A read the pipeline asked for while the partner was not writable.
    private var pendingRead = false
    /// Whether this side's input has ended.
    private var inputClosed = false
    /// Whether this side's output is shut or being shut.
    private var outputClosing = false
    /// Set while waiting for this side to go quiet after the partner's input ended.
    private var lingerTimer: Scheduled<Void>?
    private var lastReadTime = NIODeadline.uptimeNanoseconds(0)

    /// A handler of this side's channel that queues writes itself, if any: its state counts as writability.
    package weak var writabilityGate: (any RelayWritabilityGate)?

    /// Shapes what this side reads on its way to the partner, if set.
    package var shaping: (any RelayShaping)?
    /// Pieces and events of this side held for the partner.
    private var heldItems = 0
    private var heldBytes = 0
    /// The latest release time of anything held, which the end of the stream may not precede.
    private var lastRelease = NIODeadline.uptimeNanoseconds(0)
    /// Reads pause while more than this many bytes are held, as a real bottleneck slows a TCP sender.
    package static let heldLimit = 256 * 1024

    private init(side: Side) {
        self.side = side
    }

    /// Makes two handlers that relay to each other; add the first to one channel and the second to the other.
    package static func makePair(_ first: Side, _ second: Side) -> (RelayHandler, RelayHandler) {
        let one = RelayHandler(side: first)
        let two = RelayHandler(side: second)
        one.partner = two
        two.partner = one
        return (one, two)
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.lingerTimer?.cancel()
        self.lingerTimer = nil
        self.context = nil
        self.partner = nil
    }

    // MARK: - Inbound

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.lingerTimer != nil {
            self.lastReadTime = context.eventLoop.now
        }
        guard let shaping = self.shaping else {
            self.partner?.partnerWrite(data)
            return
        }
        self.shape(Self.unwrapInboundIn(data), shaping: shaping, now: context.eventLoop.now)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        self.partner?.partnerFlush()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.lingerTimer?.cancel()
        self.lingerTimer = nil
        if let shaping = self.shaping, self.heldItems > 0, let partner = self.partner {
            // The partner closes only after what this side read has been released to it.
            self.hold(.closed, for: partner, at: max(context.eventLoop.now, self.lastRelease), shaping: shaping)
            self.partner = nil
            context.fireChannelInactive()
            return
        }
        let partner = self.partner
        self.partner = nil
        // A decoder passes its last message on when the channel goes inactive, with no read-complete after it, and
        // a partner that closes at once (UDP) would drop that write unless it is flushed first.
        partner?.partnerFlush()
        partner?.partnerClosed()
        context.fireChannelInactive()
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.partner?.partnerWritabilityChanged(isWritable: self.isWritable)
        context.fireChannelWritabilityChanged()
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            self.inputClosed = true
            if let shaping = self.shaping, let partner = self.partner, self.heldItems > 0 || shaping.slowClose != nil {
                let release = max(context.eventLoop.now, self.lastRelease) + (shaping.slowClose ?? .zero)
                self.hold(.endOfInput, for: partner, at: release, shaping: shaping)
            } else if let partner = self.partner {
                // A decoder passes its last message on at the end of input, with no read-complete after it.
                partner.partnerFlush()
                partner.partnerInputClosed()
            } else {
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    // MARK: - Outbound

    package func read(context: ChannelHandlerContext) {
        if let partner = self.partner, !partner.isWritable || self.heldBytes >= Self.heldLimit {
            self.pendingRead = true
        } else {
            context.read()
        }
    }

    // MARK: - Calls from the partner

    private var isWritable: Bool {
        (self.context?.channel.isWritable ?? true) && (self.writabilityGate?.acceptsWrites ?? true)
    }

    private func partnerWrite(_ data: NIOAny) {
        guard let context = self.context, !self.outputClosing else { return }
        context.write(data, promise: nil)
    }

    private func partnerFlush() {
        self.context?.flush()
    }

    private func partnerWritabilityChanged(isWritable: Bool) {
        guard isWritable, self.pendingRead, self.heldBytes < Self.heldLimit, let context = self.context else { return }
        self.pendingRead = false
        context.read()
    }

    private func partnerInputClosed() {
        guard let context = self.context else { return }
        if self.side.canHalfClose {
            self.shutOutputAfterPendingWrites(context: context)
        } else if self.inputClosed {
            context.close(promise: nil)
        } else {
            self.startLingering(context: context)
        }
    }

    private func partnerClosed() {
        guard let context = self.context else { return }
        self.pendingRead = false
        if self.side.canHalfClose, !self.outputClosing {
            // What the partner read before it closed still goes out.
            self.outputClosing = true
            context.closeAfterPendingWrites(mode: .all)
        } else {
            context.close(promise: nil)
        }
    }

    // MARK: - Shaping

    private func shape(_ buffer: ByteBuffer, shaping: any RelayShaping, now: NIODeadline) {
        guard let partner = self.partner else { return }
        var buffer = buffer
        let sliceSize = shaping.sliceSize ?? Int.max
        while buffer.readableBytes > 0 {
            let piece = buffer.readSlice(length: min(sliceSize, buffer.readableBytes))!
            let release = shaping.release(size: piece.readableBytes, now: now)
            if self.heldItems == 0, release <= now, shaping.scheduler.isEmpty {
                partner.releaseData(piece, shaping: shaping)
            } else {
                self.heldBytes += piece.readableBytes
                self.hold(.data(piece), for: partner, at: release, shaping: shaping)
            }
        }
    }

    private func hold(_ item: ShapedItem, for partner: RelayHandler, at release: NIODeadline, shaping: any RelayShaping)
    {
        self.heldItems += 1
        self.lastRelease = max(self.lastRelease, release)
        shaping.scheduler.schedule(item, for: partner, at: release)
    }

    /// Receives an item the partner's shaping held for this side.
    package func release(_ item: ShapedItem) {
        let source = self.partner
        source?.heldItems -= 1
        switch item {
        case .data(let piece):
            source?.heldBytes -= piece.readableBytes
            if let shaping = source?.shaping {
                self.releaseData(piece, shaping: shaping)
            }
        case .endOfInput:
            self.partnerFlush()
            self.partnerInputClosed()
        case .closed:
            self.partner = nil
            self.partnerFlush()
            self.partnerClosed()
        }
    }

    package func releaseBatchEnded() {
        self.partnerFlush()
        // Reads on the partner resume once what it holds has drained below the limit.
        guard let source = self.partner, source.pendingRead, source.heldBytes < Self.heldLimit, self.isWritable,
            let sourceContext = source.context
        else { return }
        source.pendingRead = false
        sourceContext.read()
    }

    private func releaseData(_ piece: ByteBuffer, shaping: any RelayShaping) {
        let allowed = shaping.admit(piece.readableBytes)
        guard allowed > 0 else { return }
        let passed = allowed == piece.readableBytes ? piece : piece.getSlice(at: piece.readerIndex, length: allowed)!
        self.partnerWrite(Self.wrapInboundOut(passed))
    }

    // MARK: - Ending

    private func shutOutputAfterPendingWrites(context: ChannelHandlerContext) {
        guard !self.outputClosing else { return }
        self.outputClosing = true
        context.closeAfterPendingWrites(mode: .output)
    }

    private func startLingering(context: ChannelHandlerContext) {
        guard self.lingerTimer == nil else { return }
        self.lastReadTime = context.eventLoop.now
        self.scheduleLingerCheck(context: context, deadline: self.lastReadTime + self.side.linger)
    }

    /// One timer for the whole wait: a read moves `lastReadTime` forward, and the timer, when it fires, sleeps again
    /// until the new deadline instead of being rescheduled on every read.
    private func scheduleLingerCheck(context: ChannelHandlerContext, deadline: NIODeadline) {
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.lingerTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            let handler = loopBoundSelf.value
            guard let context = handler.context else { return }
            let quietUntil = handler.lastReadTime + handler.side.linger
            if quietUntil > context.eventLoop.now {
                handler.scheduleLingerCheck(context: context, deadline: quietUntil)
            } else {
                handler.lingerTimer = nil
                context.close(promise: nil)
            }
        }
    }
}

@available(*, unavailable)
extension RelayHandler: Sendable {}
