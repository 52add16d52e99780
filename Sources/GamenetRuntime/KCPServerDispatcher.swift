import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// Serves KCP conversations on a UDP socket, keyed by (peer address, conversation id), driven by one ``KCPTimer``.
///
/// In echo mode (`serve --echo`) every message comes back on its conversation, and datagrams that are not KCP (see
/// ``KCPDatagramClassifier``) are echoed as raw UDP. In relay mode (`proxy kcp://… TARGET`) each conversation gets its
/// own connection to the target: messages become the target's input, the target's output becomes messages, and the
/// end of either stream travels as gamenet's end-of-stream marker.
final class KCPServerDispatcher: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    enum Mode {
        case echo
        case relay(RelayContext)
    }

    /// Segments a session may hold for its peer, queued or unacknowledged, beyond which it stops taking more from
    /// its source (the peer's own messages in echo mode, the target's reads in relay mode); it takes more again once
    /// half of them are acknowledged. A peer that stops acknowledging, or advertises a window of 0, then meets a
    /// closed window itself instead of growing the server's memory.
    private static let sendBacklogLimit = 1024

    private let mode: Mode
    private let configuration: KCPConfiguration
    private let idleTimeout: TimeAmount
    private let maximumSessions: Int
    private let logger: Logger
    private var sessions: [KCPServerSession.Key: KCPServerSession] = [:]
    private var unflushed: [KCPServerSession] = []
    /// Datagrams read since the last read-complete: the first of a burst is answered at once, for latency; the rest
    /// wait for the read-complete and go out together (sendmmsg), for throughput.
    private var readsInBurst = 0
    private var timer: KCPTimer?
    private var context: ChannelHandlerContext?
    private(set) var refusedDatagrams = 0

    init(mode: Mode, configuration: KCPConfiguration, idleTimeout: TimeAmount, maximumSessions: Int, logger: Logger) {
        self.mode = mode
        self.configuration = configuration
        self.idleTimeout = idleTimeout
        self.maximumSessions = maximumSessions
        self.logger = logger
    }

    /// Binds a UDP socket for `proxy kcp://LISTEN TARGET`.
    static func bind(
        _ endpoint: NetworkEndpoint,
        group: any EventLoopGroup,
        context: RelayContext
    ) async throws
        -> any Channel
    {
        let configuration: KCPConfiguration
        do {
            configuration = try KCPConfiguration(endpoint: endpoint)
        } catch {
            throw GamenetError(.usage, error.description)
        }
        do {
            return try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.maxMessagesPerRead, value: 16)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let dispatcher = KCPServerDispatcher(
                            mode: .relay(context),
                            configuration: configuration,
                            idleTimeout: context.configuration.kcpTimeout,
                            maximumSessions: context.configuration.maximumConnections,
                            logger: context.logger
                        )
                        try channel.pipeline.syncOperations.addHandler(dispatcher)
                    }
                }
                .bind(host: endpoint.listeningHost, port: endpoint.port)
                .get()
        } catch {
            throw ConnectError.listening(on: endpoint, error)
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.timer = KCPTimer.shared(on: context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        for session in self.sessions.values {
            self.close(session)
        }
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        self.readsInBurst += 1
        defer {
            if self.readsInBurst == 1 { self.flushPending(context: context) }
        }
        switch KCPDatagramClassifier.classify(envelope.data) {
        case .raw:
            self.raw(envelope, context: context)
        case .kcp(let conversation, let opensConversation):
            let key = KCPServerSession.Key(peer: envelope.remoteAddress, conversation: conversation)
            var session = self.sessions[key]
            if session == nil, opensConversation {
                session = self.open(key, context: context)
            }
            guard let session, let driver = session.driver else {
                self.refusedDatagrams += 1
                return
            }
            driver.input(envelope.data, now: context.eventLoop.now)
            self.resumeSourceIfDrained(session)
            self.markForFlush(session)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.readsInBurst = 0
        self.flushPending(context: context)
        context.fireChannelReadComplete()
    }

    /// Sends what the datagrams read so far have queued: KCP sessions' segments and raw echoes.
    private func flushPending(context: ChannelHandlerContext) {
        let now = context.eventLoop.now
        for session in self.unflushed {
            session.needsFlush = false
            session.target?.flush()
            session.driver?.flush(now: now)
            self.closeIfFinished(session)
        }
        self.unflushed.removeAll(keepingCapacity: true)
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors for one peer come back on the shared socket; they concern that peer only.
        self.logger.debug("kcp listener: \(ConnectError.reason(error))")
    }

    private func raw(_ envelope: AddressedEnvelope<ByteBuffer>, context: ChannelHandlerContext) {
        guard case .echo = self.mode, context.channel.isWritable else {
            self.refusedDatagrams += 1
            return
        }
        context.write(Self.wrapOutboundOut(envelope), promise: nil)
    }

    private func isBacklogged(_ session: KCPServerSession) -> Bool {
        (session.driver?.session.waitingToSend ?? 0) >= Self.sendBacklogLimit
    }

    /// Takes from a session's source again once its backlog has drained to half the limit.
    private func resumeSourceIfDrained(_ session: KCPServerSession) {
        guard let driver = session.driver, driver.session.waitingToSend <= Self.sendBacklogLimit / 2 else { return }
        switch self.mode {
        case .echo:
            driver.resumeDelivery()
        case .relay:
            guard session.targetReadsPaused, let target = session.target else { return }
            session.targetReadsPaused = false
            target.setOption(.autoRead, value: true).whenFailure { _ in target.close(promise: nil) }
        }
    }

    private func markForFlush(_ session: KCPServerSession) {
        if !session.needsFlush {
            session.needsFlush = true
            self.unflushed.append(session)
        }
    }

    // MARK: - Sessions

    private func open(_ key: KCPServerSession.Key, context: ChannelHandlerContext) -> KCPServerSession? {
        guard self.sessions.count < self.maximumSessions, let timer = self.timer else {
            self.logger.warning("refusing KCP conversation \(key.conversation) from \(key.peer): session limit")
            return nil
        }
        let session = KCPServerSession(key: key)
        let listener = context.channel
        let peer = key.peer
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        session.driver = KCPDriver(
            session: KCPSession(conversation: key.conversation, configuration: self.configuration),
            timer: timer,
            idleTimeout: self.idleTimeout,
            now: context.eventLoop.now,
            output: { datagram in
                listener.writeAndFlush(AddressedEnvelope(remoteAddress: peer, data: datagram), promise: nil)
            },
            deliver: { event in
                loopBoundSelf.value.deliver(event, session: session)
            },
            failed: { error in
                let dispatcher = loopBoundSelf.value
                dispatcher.logger.info("KCP conversation \(key.conversation) from \(peer): \(error)")
                dispatcher.close(session)
            }
        )
        self.sessions[key] = session
        self.logger.info("KCP conversation \(key.conversation) from \(peer)")
        if case .relay(let relayContext) = self.mode {
            // Messages wait in the KCP receive queue until the target is connected.
            session.driver?.pauseDelivery()
            self.connectTarget(for: session, relayContext: relayContext, eventLoop: context.eventLoop)
        }
        return session
    }

    private func deliver(_ event: KCPDriver.Event, session: KCPServerSession) {
        switch self.mode {
        case .echo:
            switch event {
            case .message(let message):
                try? session.driver?.send(message)
                if self.isBacklogged(session) {
                    // The peer's messages wait in its KCP receive queue until the echoes drain.
                    session.driver?.pauseDelivery()
                }
            case .endOfInput:
                session.driver?.sendEndOfInput()
            }
            self.markForFlush(session)
        case .relay:
            guard let target = session.target else {
                switch event {
                case .message(let message): session.pendingMessages.append(message)
                case .endOfInput: session.pendingEndOfInput = true
                }
                return
            }
            switch event {
            case .message(let message):
                // Flushed once per batch of datagrams (channelReadComplete): in stream mode a message is one segment.
                target.write(message, promise: nil)
                self.markForFlush(session)
                if !target.isWritable {
                    // The rest waits in the KCP receive queue until the target drains.
                    session.driver?.pauseDelivery()
                }
            case .endOfInput:
                target.closeAfterPendingWrites(mode: .output)
            }
        }
    }

    private func connectTarget(for session: KCPServerSession, relayContext: RelayContext, eventLoop: any EventLoop) {
        let loopBoundSelf = NIOLoopBound(self, eventLoop: eventLoop)
        relayContext.connectTarget(on: eventLoop).whenComplete { result in
            let dispatcher = loopBoundSelf.value
            switch result {
            case .failure(let error):
                dispatcher.logger.warning(
                    "\(ConnectError.reason(error)); dropping KCP conversation \(session.key.conversation)"
                )
                session.driver?.sendEndOfInput()
                session.driver?.flush(now: eventLoop.now)
                dispatcher.close(session)
            case .success(let target):
                guard !session.isClosed else {
                    target.close(promise: nil)
                    return
                }
                session.target = target
                do {
                    try target.pipeline.syncOperations.addHandler(
                        KCPTargetReturnHandler(session: session, dispatcher: loopBoundSelf)
                    )
                } catch {
                    target.close(promise: nil)
                    return
                }
                for message in session.pendingMessages {
                    target.write(message, promise: nil)
                }
                session.pendingMessages.removeAll()
                target.flush()
                if session.pendingEndOfInput {
                    target.closeAfterPendingWrites(mode: .output)
                }
                target.closeFuture.whenComplete { _ in
                    loopBoundSelf.value.targetClosed(session)
                }
                dispatcher.targetWritabilityChanged(session)
                target.setOption(.autoRead, value: true).whenFailure { _ in target.close(promise: nil) }
            }
        }
    }

    /// The target sent data: it becomes messages to the peer.
    func targetRead(_ data: ByteBuffer, session: KCPServerSession) {
        do {
            try session.driver?.send(data)
        } catch {
            self.logger.warning("KCP conversation \(session.key.conversation): \(error)")
        }
        if self.isBacklogged(session), !session.targetReadsPaused, let target = session.target {
            // Reads resume once the peer has acknowledged half the backlog.
            session.targetReadsPaused = true
            target.setOption(.autoRead, value: false).whenFailure { _ in target.close(promise: nil) }
        }
        self.markForFlush(session)
    }

    /// The target's writability changed: messages held while it was full go on once it is writable.
    func targetWritabilityChanged(_ session: KCPServerSession) {
        guard let target = session.target, target.isWritable, let driver = session.driver, driver.isDeliveryPaused
        else { return }
        driver.resumeDelivery()
        // A flush tells the peer the receive window opened again.
        self.markForFlush(session)
        self.targetBatchEnded()
    }

    /// The target ended its output: the peer gets the end-of-stream marker.
    func targetEnded(_ session: KCPServerSession) {
        session.driver?.sendEndOfInput()
        self.markForFlush(session)
    }

    /// Flushes what a target's batch of reads queued.
    func targetBatchEnded() {
        guard let context = self.context else { return }
        self.channelReadComplete(context: context)
    }

    private func targetClosed(_ session: KCPServerSession) {
        session.target = nil
        session.driver?.sendEndOfInput()
        if let context = self.context {
            session.driver?.flush(now: context.eventLoop.now)
        }
        self.closeIfFinished(session, targetGone: true)
    }

    private func closeIfFinished(_ session: KCPServerSession, targetGone: Bool = false) {
        guard let driver = session.driver, driver.sentEndOfInput, driver.isDrained else { return }
        if driver.receivedEndOfInput || targetGone {
            self.close(session)
        }
    }

    private func close(_ session: KCPServerSession) {
        guard !session.isClosed else { return }
        session.isClosed = true
        session.driver?.stop()
        session.target?.close(promise: nil)
        if self.sessions[session.key] === session {
            self.sessions.removeValue(forKey: session.key)
            self.logger.info("KCP conversation \(session.key.conversation) from \(session.key.peer) closed")
        }
    }
}

@available(*, unavailable)
extension KCPServerDispatcher: Sendable {}

/// The last handler of a KCP conversation's target channel: what the target sends goes back over KCP.
final class KCPTargetReturnHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let session: KCPServerSession
    private let dispatcher: NIOLoopBound<KCPServerDispatcher>

    init(session: KCPServerSession, dispatcher: NIOLoopBound<KCPServerDispatcher>) {
        self.session = session
        self.dispatcher = dispatcher
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.dispatcher.value.targetRead(Self.unwrapInboundIn(data), session: self.session)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.dispatcher.value.targetBatchEnded()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.dispatcher.value.targetWritabilityChanged(self.session)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            self.dispatcher.value.targetEnded(self.session)
            self.dispatcher.value.targetBatchEnded()
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension KCPTargetReturnHandler: Sendable {}
