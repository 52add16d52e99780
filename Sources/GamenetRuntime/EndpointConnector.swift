import GamenetCore
import NIOCore
import NIOPosix

/// Opens the connecting side of an endpoint as a channel of `ByteBuffer`s, ready to be relayed.
///
/// A TCP channel carries the byte stream, or messages when `framing` is set; a UDP channel carries one message per
/// datagram to and from its single peer; standard I/O is like TCP. Channels start with reads off, so nothing is read
/// before the caller has wired the channel to its partner.
package struct EndpointConnector: Sendable {
    /// How long a TCP connection attempt may take.
    package var connectTimeout: TimeAmount
    /// Standard input's source, when the endpoint is `-`.
    package var standardInput: StandardIO.Input
    /// How `ws://` endpoints are opened.
    package var webSocket: WebSocketClientOptions
    /// How long a KCP session may hear nothing from its peer.
    package var kcpTimeout: TimeAmount = .seconds(30)
    /// The local address TCP and WebSocket connections are made from, if not the system's choice (a benchmark spreads
    /// many connections over several loopback addresses to have more source ports).
    package var sourceAddress: SocketAddress?

    package init(
        connectTimeout: TimeAmount,
        standardInput: StandardIO.Input = .standardInput,
        webSocket: WebSocketClientOptions = WebSocketClientOptions()
    ) {
        self.connectTimeout = connectTimeout
        self.standardInput = standardInput
        self.webSocket = webSocket
    }

    /// Connects to `endpoint` on `eventLoop`.
    ///
    /// - Parameters:
    ///   - framing: the framing to add on a byte-stream channel, or `nil` to carry the stream as it is.
    ///   - maximumMessageLength: the longest message a framing decoder passes on.
    /// - Returns: the channel, or a failed future with a ``GamenetError``.
    package func connect(
        to endpoint: Endpoint,
        on eventLoop: any EventLoop,
        framing: FramingMode?,
        maximumMessageLength: Int
    ) -> EventLoopFuture<any Channel> {
        switch endpoint {
        case .standardIO:
            return StandardIO.makeChannel(input: self.standardInput, eventLoop: eventLoop) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let framing {
                        try channel.pipeline.syncOperations.addFramingHandlers(
                            mode: framing,
                            maximumMessageLength: maximumMessageLength
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(RelayStartBuffer())
                }
            }
        case .network(let network):
            switch network.transport {
            case .tcp:
                return self.connectTCP(
                    to: network,
                    on: eventLoop,
                    framing: framing,
                    maximumMessageLength: maximumMessageLength
                )
            case .udp:
                return self.connectUDP(to: network, on: eventLoop)
            case .ws:
                guard !network.host.isEmpty else {
                    return eventLoop.makeFailedFuture(GamenetError(.usage, "\(network) has no host to connect to"))
                }
                var options = self.webSocket
                options.sourceAddress = options.sourceAddress ?? self.sourceAddress
                if network.option("text") == "1" {
                    options.sendsText = true
                }
                return WebSocketConnector.connect(to: network, on: eventLoop, options: options).map { channel in
                    // Reads start when the relay is joined, as for the other transports.
                    _ = channel.setOption(.autoRead, value: false)
                    return channel
                }
            case .kcp:
                return self.connectKCP(to: network, on: eventLoop)
            }
        }
    }

    private func connectTCP(
        to endpoint: NetworkEndpoint,
        on eventLoop: any EventLoop,
        framing: FramingMode?,
        maximumMessageLength: Int
    ) -> EventLoopFuture<any Channel> {
        guard !endpoint.host.isEmpty else {
            return eventLoop.makeFailedFuture(GamenetError(.usage, "\(endpoint) has no host to connect to"))
        }
        var bootstrap = ClientBootstrap(group: eventLoop)
        if let source = self.sourceAddress {
            bootstrap = bootstrap.bind(to: source).channelOption(.bindAddressWithoutPort, value: 1)
        }
        return bootstrap
            .connectTimeout(self.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let framing {
                        try channel.pipeline.syncOperations.addFramingHandlers(
                            mode: framing,
                            maximumMessageLength: maximumMessageLength
                        )
                    }
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .flatMapErrorThrowing { error in
                throw ConnectError.connecting(to: endpoint, error)
            }
    }

    /// A connected UDP socket with a KCP session on it; the conversation id is `?conv=` or random.
    private func connectKCP(to endpoint: NetworkEndpoint, on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let configuration: KCPConfiguration
        let conversation: UInt32
        do {
            configuration = try KCPConfiguration(endpoint: endpoint)
            // Below 2^31: some KCP bindings hold the conversation id in a signed 32-bit integer.
            conversation = try KCPConfiguration.conversation(in: endpoint) ?? UInt32.random(in: 1...UInt32(Int32.max))
        } catch {
            return eventLoop.makeFailedFuture(GamenetError(.usage, error.description))
        }
        let timeout = self.kcpTimeout
        return self.connectUDP(to: endpoint, on: eventLoop).flatMapThrowing { channel in
            try channel.pipeline.syncOperations.addHandler(
                KCPChannelHandler(conversation: conversation, configuration: configuration, idleTimeout: timeout)
            )
            return channel
        }
    }

    private func connectUDP(to endpoint: NetworkEndpoint, on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        guard !endpoint.host.isEmpty else {
            return eventLoop.makeFailedFuture(GamenetError(.usage, "\(endpoint) has no host to send to"))
        }
        return DatagramBootstrap(group: eventLoop)
            .channelOption(.autoRead, value: false)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramPayloadHandler())
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .flatMapErrorThrowing { error in
                throw ConnectError.connecting(to: endpoint, error)
            }
    }
}
