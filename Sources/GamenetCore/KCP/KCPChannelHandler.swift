import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes a connected UDP channel a KCP channel: datagrams below, messages above (`connect kcp://`, a `kcp://` relay
/// target).
///
/// Writes queue messages, and a flush sends them at once rather than at the next interval. Closing the output sends
/// the end-of-stream marker; the peer's marker arrives as `ChannelEvent.inputClosed`. A full close first sends the
/// marker and waits, for at most `lingerTimeout`, until everything sent has been acknowledged. A dead or silent peer
/// closes the channel with a ``KCPDriverError``.
package final class KCPChannelHandler: ChannelDuplexHandler, RelayWritabilityGate {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ByteBuffer
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private let conversation: UInt32
    private let configuration: KCPConfiguration
    private let idleTimeout: TimeAmount
    private let lingerTimeout: TimeAmount
    private var driver: KCPDriver?
    private var timer: KCPTimer?
    private var context: ChannelHandlerContext?
    private var closePromise: EventLoopPromise<Void>?
    private var closeDeadline: NIODeadline?
    private var hasRead = false
    /// Whether the send queue had room at the last check; a change fires `channelWritabilityChanged`.
    private var lastAcceptsWrites = true

    package init(
        conversation: UInt32,
        configuration: KCPConfiguration,
        idleTimeout: TimeAmount,
        lingerTimeout: TimeAmount = .seconds(3)
    ) {
        self.conversation = conversation
        self.configuration = configuration
        self.idleTimeout = idleTimeout
        self.lingerTimeout = lingerTimeout
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // One timer per event loop wakes every session on it at its own check() deadline.
        let timer = KCPTimer.shared(on: context.eventLoop)
        self.timer = timer
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.driver = KCPDriver(
            session: KCPSession(conversation: self.conversation, configuration: self.configuration),
            timer: timer,
            idleTimeout: self.idleTimeout,
            now: context.eventLoop.now,
            output: { datagram in
                loopBoundContext.value.writeAndFlush(Self.wrapOutboundOut(datagram), promise: nil)
            },
            deliver: { event in
                loopBoundSelf.value.deliver(event)
            },
            failed: { error in
                let context = loopBoundContext.value
                context.fireErrorCaught(error)
                context.close(promise: nil)
            }
        )
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.driver?.stop()
        self.context = nil
    }

    /// Whether KCP's send queue has room: at most two send windows of segments wait, so a fast source meets a slow
    /// link with backpressure instead of a queue as long as the whole transfer.
    package var acceptsWrites: Bool {
        guard let driver = self.driver else { return true }
        return driver.session.waitingToSend < 2 * max(self.configuration.sendWindow, 32)
    }

    /// Tells the relay above when the send queue fills or drains.
    private func updateWritability(context: ChannelHandlerContext) {
        let accepts = self.acceptsWrites
        guard accepts != self.lastAcceptsWrites else { return }
        self.lastAcceptsWrites = accepts
        context.fireChannelWritabilityChanged()
    }

    // MARK: - Inbound

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.driver?.input(Self.unwrapInboundIn(data), now: context.eventLoop.now)
        self.checkClosing(context: context)
        // Acknowledgements empty the send queue.
        self.updateWritability(context: context)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        // Acknowledge at once: the peer's RTT estimate, and so its retransmission timer, stays tight.
        self.driver?.flush(now: context.eventLoop.now)
        if self.hasRead {
            self.hasRead = false
            context.fireChannelReadComplete()
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable from a peer that is not there (yet): KCP's retransmissions and timeouts decide.
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return
        }
        context.fireErrorCaught(error)
    }

    private func deliver(_ event: KCPDriver.Event) {
        guard let context = self.context else { return }
        switch event {
        case .message(let message):
            self.hasRead = true
            context.fireChannelRead(Self.wrapInboundOut(message))
        case .endOfInput:
            if self.hasRead {
                self.hasRead = false
                context.fireChannelReadComplete()
            }
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
    }

    // MARK: - Outbound

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let message = Self.unwrapOutboundIn(data)
        do {
            // An empty write is a relay's barrier or an empty datagram; it carries no data over KCP.
            try self.driver?.send(message)
            promise?.succeed(())
        } catch {
            promise?.fail(error)
            context.fireErrorCaught(error)
        }
    }

    package func flush(context: ChannelHandlerContext) {
        self.driver?.flush(now: context.eventLoop.now)
        self.updateWritability(context: context)
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard let driver = self.driver else {
            context.close(mode: mode, promise: promise)
            return
        }
        switch mode {
        case .output:
            driver.sendEndOfInput()
            driver.flush(now: context.eventLoop.now)
            promise?.succeed(())
            self.checkClosing(context: context)
        case .all:
            driver.sendEndOfInput()
            driver.flush(now: context.eventLoop.now)
            if let existing = self.closePromise {
                promise.map { existing.futureResult.cascade(to: $0) }
            } else {
                self.closePromise = promise ?? context.eventLoop.makePromise()
            }
            self.closeDeadline = context.eventLoop.now + self.lingerTimeout
            self.waitForDrain(context: context)
        case .input:
            promise?.fail(ChannelError.operationUnsupported)
        }
    }

    /// Closes once both ends have sent their end-of-stream marker and ours is acknowledged.
    private func checkClosing(context: ChannelHandlerContext) {
        guard let driver = self.driver, driver.sentEndOfInput, driver.receivedEndOfInput, driver.isDrained else {
            return
        }
        self.finishClose(context: context)
    }

    private func waitForDrain(context: ChannelHandlerContext) {
        guard let driver = self.driver else { return }
        if driver.isDrained || context.eventLoop.now >= (self.closeDeadline ?? context.eventLoop.now) {
            self.finishClose(context: context)
            return
        }
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(10)) {
            loopBoundSelf.value.waitForDrain(context: loopBoundContext.value)
        }
    }

    private func finishClose(context: ChannelHandlerContext) {
        self.driver?.stop()
        let promise = self.closePromise
        self.closePromise = nil
        context.close(mode: .all, promise: promise)
    }
}

@available(*, unavailable)
extension KCPChannelHandler: Sendable {}
