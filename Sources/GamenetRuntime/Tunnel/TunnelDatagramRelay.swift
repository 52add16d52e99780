import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// The flows of a UDP tunnel end, on its event loop. The listening socket faces many peers; each peer gets a flow
/// with a socket of its own toward the far side, so the far end tells flows apart by address as it does for KCP.
///
/// - Client: the listening socket is plain (the game's clients); each flow's own socket is sealed, to the server.
/// - Server: the listening socket is sealed (tunnel clients); each flow's own socket is plain, to the target.
final class TunnelDatagramRelay {
    enum Role {
        case client(server: SocketAddress)
        case server(target: SocketAddress)
    }

    private let eventLoop: any EventLoop
    private let configuration: TunnelConfiguration
    private let role: Role
    private let idleTimeout: TimeAmount
    private let maximumFlows: Int
    private let logger: Logger
    var channel: (any Channel)?
    private var flows: [SocketAddress: TunnelDatagramFlow] = [:]
    private var generator = SystemRandomNumberGenerator()
    private var endedTotals = TunnelTotals()
    private var refusedCryptoFailures = 0
    private var bindAddress: SocketAddress

    init(
        eventLoop: any EventLoop,
        configuration: TunnelConfiguration,
        role: Role,
        idleTimeout: TimeAmount,
        maximumFlows: Int = 1024,
        logger: Logger
    ) throws {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.role = role
        self.idleTimeout = idleTimeout
        self.maximumFlows = maximumFlows
        self.logger = logger
        let far: SocketAddress
        switch role {
        case .client(let server): far = server
        case .server(let target): far = target
        }
        self.bindAddress =
            far.protocol == .inet6
            ? try SocketAddress(ipAddress: "::", port: 0) : try SocketAddress(ipAddress: "0.0.0.0", port: 0)
    }

    /// A datagram on the listening socket.
    func receive(_ envelope: AddressedEnvelope<ByteBuffer>) {
        if let flow = self.flows[envelope.remoteAddress] {
            self.deliver(envelope.data, to: flow)
            return
        }
        guard self.flows.count < self.maximumFlows, let channel = self.channel else { return }
        let codec: TunnelDatagramCodec
        do {
            codec = try self.makeCodec(for: envelope.data)
        } catch {
            return
        }
        let flow = TunnelDatagramFlow(
            key: envelope.remoteAddress,
            eventLoop: self.eventLoop,
            codec: codec,
            idleTimeout: self.idleTimeout,
            onClose: { [unowned self] flow in
                self.endedTotals.add(flow)
                if self.flows[flow.key] === flow { self.flows[flow.key] = nil }
                if case .client = self.role { flow.sealed?.channel.close(promise: nil) }
                if case .server = self.role { flow.plain?.channel.close(promise: nil) }
            }
        )
        switch self.role {
        case .client:
            flow.plain = (channel, envelope.remoteAddress)
        case .server:
            // A first datagram that does not open is not a flow: a wrong key or a stray.
            var probe = codec
            var opened: [ByteBuffer] = []
            probe.decode(envelope.data, now: self.eventLoop.now, into: &opened)
            guard probe.cryptoFailures == 0 else {
                self.refusedCryptoFailures += 1
                return
            }
            flow.sealed = (channel, envelope.remoteAddress)
        }
        self.flows[envelope.remoteAddress] = flow
        self.openFlowSocket(flow)
        self.deliver(envelope.data, to: flow)
    }

    private func deliver(_ datagram: ByteBuffer, to flow: TunnelDatagramFlow) {
        switch self.role {
        case .client: flow.plainReceived(datagram)
        case .server: flow.sealedReceived(datagram)
        }
    }

    private func makeCodec(for datagram: ByteBuffer) throws -> TunnelDatagramCodec {
        switch self.role {
        case .client:
            return try self.configuration.makeCodec(
                role: .client,
                tunnelID: TunnelCrypto.makeTunnelID(using: &self.generator)
            )
        case .server:
            guard let (_, tunnelID) = TunnelCrypto.peekTunnelID(datagram) else {
                throw TunnelCryptoError.truncated(length: datagram.readableBytes)
            }
            return try self.configuration.makeCodec(role: .server, tunnelID: tunnelID)
        }
    }

    /// Binds the flow's own socket toward the far side.
    private func openFlowSocket(_ flow: TunnelDatagramFlow) {
        let loop = self.eventLoop
        let role = self.role
        let bound = NIOLoopBound(flow, eventLoop: loop)
        DatagramBootstrap(group: loop)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
            .channelInitializer { channel in
                loop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        TunnelDatagramHandler { envelope in
                            let flow = bound.value
                            switch role {
                            case .client(let server):
                                guard envelope.remoteAddress == server else { return }
                                flow.sealedReceived(envelope.data)
                            case .server(let target):
                                guard envelope.remoteAddress == target else { return }
                                flow.plainReceived(envelope.data)
                            }
                        }
                    )
                }
            }
            .bind(to: self.bindAddress)
            .assumeIsolated()
            .whenComplete { [unowned self] result in
                switch result {
                case .success(let channel):
                    guard !flow.isClosed else {
                        channel.close(promise: nil)
                        return
                    }
                    switch role {
                    case .client(let server): flow.sealedSideReady(channel: channel, peer: server)
                    case .server(let target): flow.plainSideReady(channel: channel, peer: target)
                    }
                case .failure(let error):
                    self.logger.notice("tunnel: cannot open a UDP socket for a flow: \(error)")
                    flow.close()
                }
            }
    }

    func totals() -> TunnelTotals {
        var totals = self.endedTotals
        for flow in self.flows.values { totals.add(flow) }
        totals.flows = self.flows.count
        totals.cryptoFailures += self.refusedCryptoFailures
        return totals
    }

    func close() {
        for flow in Array(self.flows.values) { flow.close() }
        self.channel?.close(promise: nil)
    }
}

@available(*, unavailable)
extension TunnelDatagramRelay: Sendable {}
