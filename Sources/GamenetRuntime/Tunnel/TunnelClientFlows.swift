import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// The client side of a TCP tunnel, on its event loop: one flow (a KCP session carrying smux) to the server per UDP
/// socket, each opened at start with a random conv as kcptun's client does and opened again if it fails; accepted
/// TCP connections become streams of the flows in turn, as kcptun-client's `--conn` spreads them.
final class TunnelClientFlows {
    private let eventLoop: any EventLoop
    private let configuration: TunnelConfiguration
    private let server: SocketAddress
    private let logger: Logger
    /// One UDP socket per flow; the server tells flows apart by their source address, as kcp-go's listener does.
    var channels: [any Channel] = []
    private var flows: [TunnelMuxConnection?]
    /// The flow the next accepted connection goes on.
    private var nextFlow = 0
    private var endedTotals = TunnelTotals()
    private var generator = SystemRandomNumberGenerator()

    /// - Parameter connections: how many flows (and UDP sockets) carry the streams.
    init(
        eventLoop: any EventLoop,
        configuration: TunnelConfiguration,
        server: SocketAddress,
        connections: Int,
        logger: Logger
    ) {
        precondition(connections >= 1, "a tunnel client needs at least one flow")
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.server = server
        self.logger = logger
        self.flows = Array(repeating: nil, count: connections)
    }

    /// How many flows carry the streams.
    var connections: Int { self.flows.count }

    /// The flow of socket `index`, opened if there is none.
    func flow(at index: Int) throws -> TunnelMuxConnection {
        if let flow = self.flows[index], !flow.isClosed { return flow }
        guard index < self.channels.count else { throw ChannelError.ioOnClosedChannel }
        let tunnelID = TunnelCrypto.makeTunnelID(using: &self.generator)
        let codec = try self.configuration.makeCodec(role: .client, tunnelID: tunnelID)
        let flow = TunnelMuxConnection(
            udp: self.channels[index],
            peer: self.server,
            role: .client,
            conversation: UInt32.random(in: 1...UInt32.max, using: &self.generator),
            codec: codec,
            configuration: self.configuration,
            logger: self.logger,
            onClose: { [unowned self] flow in
                self.endedTotals.add(flow)
                if self.flows[index] === flow { self.flows[index] = nil }
            }
        )
        self.flows[index] = flow
        return flow
    }

    /// Opens every flow (at start, so the first connections wait for no session).
    func openAll() throws {
        for index in self.flows.indices {
            _ = try self.flow(at: index)
        }
    }

    /// Takes a datagram that arrived on socket `index`.
    func receive(_ envelope: AddressedEnvelope<ByteBuffer>, on index: Int) {
        guard let flow = self.flows[index], envelope.remoteAddress == self.server else { return }
        flow.receive(envelope.data)
    }

    /// Takes an accepted TCP connection as a new stream of the next flow in turn.
    func accept(_ channel: any Channel) throws {
        let index = self.nextFlow
        self.nextFlow = (self.nextFlow + 1) % self.flows.count
        try self.flow(at: index).accept(channel)
    }

    func totals() -> TunnelTotals {
        var totals = self.endedTotals
        var open = 0
        for case let flow? in self.flows {
            totals.add(flow)
            open += 1
        }
        totals.flows = open
        return totals
    }

    func close() {
        for case let flow? in self.flows {
            flow.close()
        }
        for channel in self.channels {
            channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension TunnelClientFlows: Sendable {}
