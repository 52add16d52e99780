import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// The flows of a tunnel server's UDP socket, on its event loop: each peer address gets a flow (a KCP session
/// carrying smux) whose streams are connected to the target. As kcp-go's listener does, flows are keyed by the
/// peer's address and created by the first datagram that carries KCP.
final class TunnelFlowTable {
    private let eventLoop: any EventLoop
    private let configuration: TunnelConfiguration
    private let target: SocketAddress
    private let logger: Logger
    var channel: (any Channel)?
    private var flows: [SocketAddress: TunnelMuxConnection] = [:]
    private var scratch: [ByteBuffer] = []
    /// Datagrams that opened no flow: undecodable, or parity or acknowledgements of a flow that is gone.
    private(set) var strayDatagrams = 0
    /// Datagrams from unknown peers that failed the crypto layer (a wrong key, a forgery).
    private var refusedCryptoFailures = 0
    /// Counters of flows that ended.
    private var endedTotals = TunnelTotals()

    init(eventLoop: any EventLoop, configuration: TunnelConfiguration, target: SocketAddress, logger: Logger) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.target = target
        self.logger = logger
    }

    func receive(_ envelope: AddressedEnvelope<ByteBuffer>) {
        if let flow = self.flows[envelope.remoteAddress] {
            flow.receive(envelope.data)
            return
        }
        guard let channel = self.channel, var codec = try? self.makeCodec(for: envelope.data) else {
            self.strayDatagrams += 1
            return
        }
        self.scratch.removeAll(keepingCapacity: true)
        codec.decode(envelope.data, now: self.eventLoop.now, into: &self.scratch)
        guard let conversation = self.scratch.lazy.compactMap({ $0.peekKCPConversation() }).first else {
            self.strayDatagrams += 1
            self.refusedCryptoFailures += codec.cryptoFailures
            return
        }
        let flow = TunnelMuxConnection(
            udp: channel,
            peer: envelope.remoteAddress,
            role: .server(target: self.target),
            conversation: conversation,
            codec: codec,
            configuration: self.configuration,
            logger: self.logger,
            onClose: { [unowned self] flow in
                self.endedTotals.add(flow)
                self.flows[flow.peer] = nil
            }
        )
        self.flows[envelope.remoteAddress] = flow
        self.logger.info("tunnel: new flow from \(envelope.remoteAddress), conv \(conversation)")
        flow.countFirstDatagram(envelope.data)
        flow.inputKCP(self.scratch)
        flow.pump()
    }

    private func makeCodec(for datagram: ByteBuffer) throws -> TunnelDatagramCodec {
        switch self.configuration.compatibility {
        case .kcptun:
            return try self.configuration.makeCodec(role: .server, tunnelID: 0)
        case .native:
            guard let (_, tunnelID) = TunnelCrypto.peekTunnelID(datagram) else {
                throw TunnelCryptoError.truncated(length: datagram.readableBytes)
            }
            return try self.configuration.makeCodec(role: .server, tunnelID: tunnelID)
        }
    }

    /// The totals of every flow, live and ended.
    func totals() -> TunnelTotals {
        var totals = self.endedTotals
        for flow in self.flows.values { totals.add(flow) }
        totals.flows = self.flows.count
        totals.cryptoFailures += self.refusedCryptoFailures
        return totals
    }

    /// Closes every flow and the socket.
    func close() {
        for flow in Array(self.flows.values) { flow.close() }
        self.channel?.close(promise: nil)
    }
}

@available(*, unavailable)
extension TunnelFlowTable: Sendable {}
