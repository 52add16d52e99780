import NIOCore
import NIOWebSocket

/// Runs a ``WebSocketConnection`` on a channel: frames from ``WebSocketFrameReader`` in, whole messages out; messages
/// in from the application, frames out to ``WebSocketFrameWriter``.
///
/// Closing the channel from above starts the close handshake (a close frame with 1000) instead of dropping the
/// connection; the TCP connection closes when the peer answers, or after the close timeout.
package final class WebSocketHandler: ChannelDuplexHandler {
    package typealias InboundIn = WebSocketInboundFrame
    package typealias InboundOut = WebSocketMessage
    package typealias OutboundIn = WebSocketMessage
    package typealias OutboundOut = WebSocketFrame

    private var connection: WebSocketConnection?
    private let role: WebSocketConnection.Role
    private let configuration: WebSocketConfiguration
    private var generator: any RandomNumberGenerator
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var needsFlush = false
    /// The frame writer's context, when echoing: an echoed frame is serialized here and written from there, one
    /// pipeline hop and one boxed frame less per message.
    private var writerContext: ChannelHandlerContext?
    /// Echoed frames of the current read, written as one buffer when the read completes (or before any other frame).
    private var gatheredEchoes: ByteBuffer?
    /// Takes each whole message instead of the next handler, when set: the handler right behind this one can skip
    /// the pipeline hop, and the boxing of the message, for every message. Cleared when this handler is removed.
    package var messageReceiver: ((WebSocketMessage) -> Void)?
    /// A close asked for from above, completed when the TCP connection closes.
    private var closePromise: EventLoopPromise<Void>?

    /// - Parameters:
    ///   - generator: the source of the client's masking keys (RFC 6455 §5.3 asks for unpredictable keys).
    package init(
        role: WebSocketConnection.Role,
        configuration: WebSocketConfiguration,
        generator: any RandomNumberGenerator = BatchedSystemRandom()
    ) {
        self.role = role
        self.configuration = configuration
        self.generator = generator
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        if self.configuration.echoesMessages {
            self.writerContext = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameWriter.self)
        }
        self.connection = WebSocketConnection(
            role: self.role,
            configuration: self.configuration,
            now: context.eventLoop.now
        )
        self.armTimer(context: context)
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.writerContext = nil
        self.messageReceiver = nil
        self.gatheredEchoes = nil
        self.timer?.cancel()
        self.timer = nil
    }

    // MARK: - Inbound

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard let action = self.connection?.receive(frame, now: context.eventLoop.now) else { return }
        self.perform(action, context: context)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        self.writeGatheredEchoes()
        if self.needsFlush {
            self.needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // A WebSocket has no half-close: TCP ends after the closing handshake (§7.1.1). A peer whose stream
            // ended can send nothing more, its close frame included, so the connection is over (§7.1.5: abnormal,
            // 1006, which is never sent). Left open, a channel that allows half-closure (`serve`) would wait forever.
            let promise = self.closePromise
            self.closePromise = nil
            context.close(promise: promise)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
        // A close asked for from above is done once the connection is, also when the peer dropped TCP instead of
        // answering our close frame; left pending, `channel.close()` would never complete.
        let promise = self.closePromise
        self.closePromise = nil
        promise?.succeed(())
        context.fireChannelInactive()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The reader's errors are broken rules of framing: a bad length, a control frame too long or fragmented
        // (1002), a frame larger than the connection accepts (1009).
        if let error = error as? WebSocketFramingError {
            self.writeGatheredEchoes()
            let now = context.eventLoop.now
            if let frame = self.connection?.close(code: error.closeCode, reason: "\(error)", now: now) {
                self.sendThenClose(frame, context: context)
            } else {
                context.close(promise: nil)
            }
            return
        }
        context.fireErrorCaught(error)
    }

    private func perform(_ action: WebSocketConnection.ReceiveAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .deliver(let message):
            if self.configuration.echoesMessages, let connection = self.connection {
                let frame = connection.frame(for: message, maskKey: self.nextMaskKey())
                if self.writerContext != nil, frame.maskKey == nil,
                    frame.data.readableBytes <= WebSocketFrameWriter.coalescingLimit
                {
                    // The small echoes of one read leave in one buffer: one write into the channel, not one each.
                    if self.gatheredEchoes == nil {
                        self.gatheredEchoes = context.channel.allocator.buffer(capacity: 4096)
                    }
                    WebSocketFrameWriter.append(frame, to: &self.gatheredEchoes!)
                } else if let writerContext = self.writerContext {
                    self.writeGatheredEchoes()
                    WebSocketFrameWriter.write(frame, context: writerContext, promise: nil)
                } else {
                    context.write(Self.wrapOutboundOut(frame), promise: nil)
                }
                self.needsFlush = true
            } else if let receiver = self.messageReceiver {
                receiver(message)
            } else {
                context.fireChannelRead(Self.wrapInboundOut(message))
            }
        case .reply(let frame):
            // A reply or a close goes after the echoes before it.
            self.writeGatheredEchoes()
            context.write(Self.wrapOutboundOut(self.masked(frame)), promise: nil)
            self.needsFlush = true
        case .closeAfterSending(let frame):
            self.writeGatheredEchoes()
            self.sendThenClose(frame, context: context)
        case .closeNow:
            self.gatheredEchoes = nil
            context.close(promise: self.closePromise)
            self.closePromise = nil
        }
    }

    /// Writes the echoes gathered so far from the frame writer's context.
    private func writeGatheredEchoes() {
        guard let echoes = self.gatheredEchoes.take(), let writerContext = self.writerContext else { return }
        writerContext.write(NIOAny(echoes), promise: nil)
    }

    private func sendThenClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        let promise = self.closePromise
        self.closePromise = nil
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(Self.wrapOutboundOut(self.masked(frame))).whenComplete { _ in
            loopBoundContext.value.close(promise: promise)
        }
    }

    // MARK: - Outbound

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let message = Self.unwrapOutboundIn(data)
        guard let connection = self.connection, connection.isOpen else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        context.write(
            Self.wrapOutboundOut(connection.frame(for: message, maskKey: self.nextMaskKey())),
            promise: promise
        )
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, let frame = self.connection?.close(now: context.eventLoop.now) else {
            // Already closing, or only half a close: a WebSocket has no half-close, so this is the TCP close.
            context.close(mode: mode == .output ? .all : mode, promise: promise)
            return
        }
        // The close handshake: send ours, wait for the peer's (or the close timeout), then close TCP.
        if let existing = self.closePromise {
            promise.map { existing.futureResult.cascade(to: $0) }
        } else {
            self.closePromise = promise
        }
        context.writeAndFlush(Self.wrapOutboundOut(self.masked(frame)), promise: nil)
        self.armTimer(context: context)
    }

    private func masked(_ frame: WebSocketFrame) -> WebSocketFrame {
        var frame = frame
        frame.maskKey = self.nextMaskKey()
        return frame
    }

    private func nextMaskKey() -> WebSocketMaskingKey? {
        guard self.role == .client else { return nil }
        return WebSocketMaskingKey.random(using: &self.generator)
    }

    // MARK: - Timers

    /// One timer per connection, armed only when pings or a close are pending.
    private func armTimer(context: ChannelHandlerContext) {
        guard let deadline = self.connection?.nextTick() else {
            self.timer?.cancel()
            self.timer = nil
            self.timerDeadline = nil
            return
        }
        if let current = self.timerDeadline, current <= deadline, self.timer != nil {
            return
        }
        self.timer?.cancel()
        self.timerDeadline = deadline
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.timer = context.eventLoop.scheduleTask(deadline: deadline) {
            loopBoundSelf.value.timerFired(context: loopBoundContext.value)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        self.timer = nil
        self.timerDeadline = nil
        guard let action = self.connection?.tick(now: context.eventLoop.now) else { return }
        switch action {
        case .none:
            break
        case .sendPing(let frame):
            context.writeAndFlush(Self.wrapOutboundOut(self.masked(frame)), promise: nil)
        case .closeNow:
            context.close(promise: self.closePromise)
            self.closePromise = nil
            return
        }
        self.armTimer(context: context)
    }
}

@available(*, unavailable)
extension WebSocketHandler: Sendable {}
