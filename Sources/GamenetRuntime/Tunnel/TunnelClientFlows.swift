import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// The client side of a TCP tunnel, on its event loop: one flow (a KCP session carrying smux) to the server, opened
/// at start with a random conv as kcptun's client does and opened again if it fails; every accepted TCP connection
/// becomes a stream of the current flow.
final class TunnelClientFlows {
    private let eventLoop: any EventLoop
    private let configuration: TunnelConfiguration
    private let server: SocketAddress
    private let logger: Logger
    var channel: (any Channel)?
    private var flow: TunnelMuxConnection?
    private var endedTotals = TunnelTotals()
    private var generator = SystemRandomNumberGenerator()

    init(eventLoop: any EventLoop, configuration: TunnelConfiguration, server: SocketAddress, logger: Logger) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.server = server
        self.logger = logger
    }

    /// The flow streams go on, opened if there is none.
    func currentFlow() throws -> TunnelMuxConnection {
        if let flow = self.flow, !flow.isClosed { return flow }
        guard let channel = self.channel else { throw ChannelError.ioOnClosedChannel }
        let tunnelID = TunnelCrypto.makeTunnelID(using: &self.generator)
        let codec = try self.configuration.makeCodec(role: .client, tunnelID: tunnelID)
        let flow = TunnelMuxConnection(
            udp: channel,
            peer: self.server,
            role: .client,
            conversation: UInt32.random(in: 1...UInt32.max, using: &self.generator),
            codec: codec,
            configuration: self.configuration,
            logger: self.logger,
            onClose: { [unowned self] flow in
                self.endedTotals.add(flow)
                if self.flow === flow { self.flow = nil }
            }
        )
        self.flow = flow
        return flow
    }

    func receive(_ envelope: AddressedEnvelope<ByteBuffer>) {
        guard let flow = self.flow, envelope.remoteAddress == self.server else { return }
        flow.receive(envelope.data)
    }

    /// Takes an accepted TCP connection as a new stream.
    func accept(_ channel: any Channel) throws {
        try self.currentFlow().accept(channel)
    }

    func totals() -> TunnelTotals {
        var totals = self.endedTotals
        if let flow = self.flow { totals.add(flow) }
        totals.flows = self.flow == nil ? 0 : 1
        return totals
    }

    func close() {
        self.flow?.close()
        self.channel?.close(promise: nil)
    }
}

@available(*, unavailable)
extension TunnelClientFlows: Sendable {}
