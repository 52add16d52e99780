import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// Relays a UDP listener's datagrams per peer address: each peer gets its own flow, with its own connection to the
/// target, and what the target sends back goes to that peer from the listener's socket.
///
/// A flow with no datagram either way for `udpTimeout` is closed (one sweep timer for the whole listener, not one
/// per flow). Datagrams that arrive while the flow's target is connecting wait in a short queue; datagrams that
/// meet a full queue or a target that cannot take more writes are dropped and counted, as a router would.
final class UDPFlowDispatcher: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// Datagrams queued per flow while its target connects.
    private static let connectQueueLimit = 64

    private let relayContext: RelayContext
    private var flows: [SocketAddress: UDPFlow] = [:]
    /// Flows written to during the current batch of reads, flushed once at its end.
    private var unflushed: [UDPFlow] = []
    private var sweepTimer: RepeatedTask?
    private var droppedDatagrams = 0
    /// Whether the one flow that standard output allows has been given out.
    private var standardIOTaken = false

    private init(context: RelayContext) {
        self.relayContext = context
    }

    static func bind(
        _ endpoint: NetworkEndpoint,
        group: any EventLoopGroup,
        context: RelayContext
    ) async throws -> any Channel {
        do {
            return try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.maxMessagesPerRead, value: 16)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UDPFlowDispatcher(context: context))
                    }
                }
                .bind(host: endpoint.listeningHost, port: endpoint.port)
                .get()
        } catch {
            throw ConnectError.listening(on: endpoint, error)
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let timeout = self.relayContext.configuration.udpTimeout
        let period = max(TimeAmount.milliseconds(50), .nanoseconds(timeout.nanoseconds / 4))
        let eventLoop = context.eventLoop
        let loopBoundSelf = NIOLoopBound(self, eventLoop: eventLoop)
        self.sweepTimer = eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            loopBoundSelf.value.closeIdleFlows(now: eventLoop.now, timeout: timeout)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.sweepTimer?.cancel()
        for flow in self.flows.values {
            flow.close()
        }
        self.flows.removeAll()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        let now = context.eventLoop.now
        let flow: UDPFlow
        if let existing = self.flows[envelope.remoteAddress] {
            flow = existing
        } else {
            guard let created = self.openFlow(to: envelope.remoteAddress, context: context, now: now) else {
                self.drop(reason: "no flow for \(envelope.remoteAddress)")
                return
            }
            flow = created
        }
        flow.lastActivity = now
        switch flow.state {
        case .connecting(var queue):
            guard queue.count < Self.connectQueueLimit else {
                self.drop(reason: "queue full while connecting for \(envelope.remoteAddress)")
                return
            }
            queue.append(envelope.data)
            flow.state = .connecting(queue)
        case .open(let target):
            var datagram = envelope.data
            if let shaping = flow.shaping {
                guard let immediate = shaping.shapeUpstream(datagram, now: now) else { return }
                datagram = immediate
            }
            guard target.isWritable else {
                self.drop(reason: "target busy for \(envelope.remoteAddress)")
                return
            }
            target.write(datagram, promise: nil)
            if !flow.needsFlush {
                flow.needsFlush = true
                self.unflushed.append(flow)
            }
        case .closed:
            self.drop(reason: "flow for \(envelope.remoteAddress) is closing")
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        for flow in self.unflushed {
            flow.needsFlush = false
            if case .open(let target) = flow.state {
                target.flush()
            }
        }
        self.unflushed.removeAll(keepingCapacity: true)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors for one peer come back on the shared socket; they concern that peer only.
        self.relayContext.logger.debug("udp listener: \(ConnectError.reason(error))")
    }

    // MARK: - Flows

    private func openFlow(to peer: SocketAddress, context: ChannelHandlerContext, now: NIODeadline) -> UDPFlow? {
        let configuration = self.relayContext.configuration
        guard self.flows.count < configuration.maximumConnections else { return nil }
        if configuration.target == .standardIO {
            guard !self.standardIOTaken else { return nil }
            self.standardIOTaken = true
        }
        let flow = UDPFlow(peer: peer, now: now)
        if let shaper = self.relayContext.shaper {
            flow.shaping = ShapedDatagramFlow(flow: flow, listener: context.channel, shaper: shaper, now: now)
        }
        self.flows[peer] = flow
        self.relayContext.logger.info("udp flow from \(peer)")

        let listener = context.channel
        let eventLoop = context.eventLoop
        let loopBoundSelf = NIOLoopBound(self, eventLoop: eventLoop)
        let target: EventLoopFuture<any Channel>
        if configuration.target == .standardIO {
            target = self.relayContext.connector.connect(
                to: .standardIO,
                on: eventLoop,
                framing: self.relayContext.targetFraming,
                maximumMessageLength: configuration.maximumMessageLength
            ).map { channel in
                self.relayContext.registry.register(channel)
                return channel
            }
        } else {
            target = self.relayContext.connectTarget(on: eventLoop)
        }
        target.whenComplete { result in
            loopBoundSelf.value.flowConnected(flow, result: result, listener: listener)
        }
        return flow
    }

    private func flowConnected(_ flow: UDPFlow, result: Result<any Channel, any Error>, listener: any Channel) {
        guard case .connecting(let queue) = flow.state else {
            if case .success(let target) = result { target.close(promise: nil) }
            return
        }
        switch result {
        case .failure(let error):
            self.relayContext.logger.warning("\(ConnectError.reason(error)); dropping udp flow from \(flow.peer)")
            self.relayContext.firstError.record(error as? GamenetError ?? GamenetError(.ioError, "\(error)"))
            flow.state = .closed
            self.finish(flow)
        case .success(let target):
            flow.state = .open(target)
            let returnPath = UDPFlowReturnHandler(flow: flow, listener: listener)
            let recorder = ConnectionErrorRecorder(
                label: "\(self.relayContext.configuration.target) for \(flow.peer)",
                logger: self.relayContext.logger,
                firstError: self.relayContext.firstError
            )
            do {
                try target.pipeline.syncOperations.addHandlers([returnPath, recorder])
            } catch {
                target.close(promise: nil)
            }
            let now = target.eventLoop.now
            for datagram in queue {
                if let shaping = flow.shaping {
                    guard let immediate = shaping.shapeUpstream(datagram, now: now) else { continue }
                    target.write(immediate, promise: nil)
                } else {
                    target.write(datagram, promise: nil)
                }
            }
            target.flush()
            let loopBoundSelf = NIOLoopBound(self, eventLoop: target.eventLoop)
            target.closeFuture.whenComplete { _ in
                flow.state = .closed
                loopBoundSelf.value.finish(flow)
            }
            target.setOption(.autoRead, value: true).whenFailure { _ in target.close(promise: nil) }
        }
    }

    private func finish(_ flow: UDPFlow) {
        flow.shaping?.close()
        flow.shaping = nil
        if self.flows[flow.peer] === flow {
            self.flows.removeValue(forKey: flow.peer)
            self.relayContext.logger.info("udp flow from \(flow.peer) closed")
        }
        if self.relayContext.configuration.target == .standardIO {
            self.relayContext.finishPromise.succeed(())
        }
    }

    private func closeIdleFlows(now: NIODeadline, timeout: TimeAmount) {
        for flow in self.flows.values where now - flow.lastActivity >= timeout {
            self.relayContext.logger.debug("udp flow from \(flow.peer) idle for \(timeout)")
            flow.close()
        }
    }

    private func drop(reason: @autoclosure () -> String) {
        self.droppedDatagrams += 1
        // One line for the first drop and then one per thousand, so a flood does not flood the log too.
        if self.droppedDatagrams == 1 || self.droppedDatagrams % 1000 == 0 {
            self.relayContext.logger.warning("dropped datagram (\(self.droppedDatagrams) so far): \(reason())")
        }
    }
}

@available(*, unavailable)
extension UDPFlowDispatcher: Sendable {}
