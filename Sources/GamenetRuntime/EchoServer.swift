import GamenetCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// `serve --echo`: echoes TCP and UDP on one port number.
package final class EchoServer: Sendable {
    /// Everything the echo server needs.
    package struct Configuration: Sendable {
        /// The address to bind; port 0 picks a free port, used for both TCP and UDP.
        package var host: String
        package var port: Int
        /// The most TCP connections open at once; more are closed on accept.
        package var maximumConnections: Int = 10_000
        /// Closes a TCP connection that has read nothing for this long, if set.
        package var idleTimeout: TimeAmount?
        /// What WebSocket upgrades on the TCP port are accepted.
        package var webSocket = WebSocketServerPolicy()
        /// How KCP conversations on the UDP port are run.
        package var kcp = KCPConfiguration.mode(.fast)
        /// How long a KCP conversation may hear nothing from its peer.
        package var kcpTimeout: TimeAmount = .seconds(30)

        package init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// `tcp://…` and `udp://…`, with the bound port.
    package let listeningURLs: [String]
    private let listeners: [any Channel]
    private let registry: ChannelRegistry

    private init(listeners: [any Channel], registry: ChannelRegistry) {
        self.listeners = listeners
        self.registry = registry
        self.listeningURLs = [
            ListeningAddress.url(transport: .tcp, address: listeners[0].localAddress),
            ListeningAddress.url(transport: .udp, address: listeners[1].localAddress),
        ]
    }

    /// Binds TCP, then UDP on the same port number.
    ///
    /// With port 0 the operating system picks the TCP port; if that number is taken for UDP, the bind is retried with
    /// a new TCP port a few times.
    package static func start(
        _ configuration: Configuration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> EchoServer {
        let registry = ChannelRegistry()
        let endpoint = NetworkEndpoint(transport: .tcp, host: configuration.host, port: configuration.port)
        let attempts = configuration.port == 0 ? 8 : 1
        var lastError: (any Error)?
        for _ in 0..<attempts {
            let tcp: any Channel
            do {
                tcp = try await Self.bindTCP(configuration, group: group, registry: registry, logger: logger)
            } catch {
                throw ConnectError.listening(on: endpoint, error)
            }
            let port = tcp.localAddress?.port ?? configuration.port
            do {
                let udp = try await Self.bindUDP(configuration, port: port, group: group, logger: logger)
                return EchoServer(listeners: [tcp, udp], registry: registry)
            } catch {
                lastError = error
                try? await tcp.close()
            }
        }
        var udpEndpoint = endpoint
        udpEndpoint.transport = .udp
        throw ConnectError.listening(on: udpEndpoint, lastError ?? GamenetError(.unavailable, "no free port"))
    }

    /// The port number bound for both TCP and UDP.
    package var port: Int {
        self.listeners[0].localAddress?.port ?? 0
    }

    /// Completes when both listeners have closed.
    package var closed: EventLoopFuture<Void> {
        self.listeners[0].closeFuture.and(self.listeners[1].closeFuture).map { _ in () }
    }

    /// Stops listening and closes every connection.
    package func shutdown() async {
        for listener in self.listeners {
            try? await listener.close()
        }
        try? await self.registry.closeAll(on: self.listeners[0].eventLoop).get()
    }

    private static func bindTCP(
        _ configuration: Configuration,
        group: any EventLoopGroup,
        registry: ChannelRegistry,
        logger: Logger
    ) async throws -> any Channel {
        let limit = configuration.maximumConnections
        let idleTimeout = configuration.idleTimeout
        let policy = configuration.webSocket
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: ReceiveBuffers.allocator)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                guard registry.count < limit else {
                    logger.warning("refusing connection: \(limit) connections already open")
                    return channel.eventLoop.makeFailedFuture(GamenetError(.unavailable, "too many connections"))
                }
                registry.register(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let idleTimeout {
                        try channel.pipeline.syncOperations.addHandler(IdleTimeoutHandler(timeout: idleTimeout))
                    }
                    // One port for raw TCP and WebSocket: the first bytes of the connection decide.
                    try channel.pipeline.syncOperations.addHandler(
                        ProtocolSniffingHandler { channel, detected in
                            switch detected {
                            case .raw:
                                try channel.pipeline.syncOperations.addHandler(StreamEchoHandler())
                            case .http:
                                // The connection handler itself echoes, one pipeline hop less per message.
                                var echoPolicy = policy
                                echoPolicy.configuration.echoesMessages = true
                                try channel.pipeline.syncOperations.configureWebSocketServer(policy: echoPolicy) {
                                    channel,
                                    _ in
                                    channel.eventLoop.makeSucceededVoidFuture()
                                }
                            }
                        }
                    )
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
    }

    /// Binds the UDP port: KCP conversations are echoed message by message, other datagrams as they are.
    private static func bindUDP(
        _ configuration: Configuration,
        port: Int,
        group: any EventLoopGroup,
        logger: Logger
    ) async throws -> any Channel {
        try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let dispatcher = KCPServerDispatcher(
                        mode: .echo,
                        configuration: configuration.kcp,
                        idleTimeout: configuration.kcpTimeout,
                        maximumSessions: configuration.maximumConnections,
                        logger: logger
                    )
                    try channel.pipeline.syncOperations.addHandler(dispatcher)
                }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }
}
