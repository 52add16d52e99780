import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// `serve` without `--echo`: the game server on one port number, TCP (the gamenet stream protocol, WebSocket, and
/// HTTP for `/metrics` and `/status`) and UDP (KCP conversations, and datagrams of bound sessions).
package final class GameService: Sendable {
    /// Everything the game server needs.
    package struct Configuration: Sendable {
        /// The address to bind; port 0 picks a free port, used for both TCP and UDP.
        package var host: String
        package var port: Int
        /// The sessions, rooms and limits; its `udpPort` is set to the bound port.
        package var game = GameServerConfiguration()
        /// The most TCP connections open at once; more are closed on accept.
        package var maximumConnections: Int = 10_000
        /// What WebSocket upgrades are accepted.
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
    /// The server's state, on its one event loop.
    package let host: GameServerHost
    private let tcp: any Channel
    private let udp: any Channel
    private let registry: ChannelRegistry

    private init(host: GameServerHost, tcp: any Channel, udp: any Channel, registry: ChannelRegistry) {
        self.host = host
        self.tcp = tcp
        self.udp = udp
        self.registry = registry
        self.listeningURLs = [
            ListeningAddress.url(transport: .tcp, address: tcp.localAddress),
            ListeningAddress.url(transport: .udp, address: udp.localAddress),
        ]
    }

    /// The port number bound for both TCP and UDP.
    package var port: Int {
        self.tcp.localAddress?.port ?? 0
    }

    /// Binds UDP, then TCP on the same port number, both on one event loop of `group`, which runs the whole server.
    ///
    /// With port 0 the operating system picks the UDP port; if that number is taken for TCP, the bind is retried with
    /// a new port a few times.
    package static func start(
        _ configuration: Configuration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> GameService {
        let loop = group.next()
        let endpoint = NetworkEndpoint(transport: .udp, host: configuration.host, port: configuration.port)
        let attempts = configuration.port == 0 ? 8 : 1
        var lastError: (any Error)?
        for _ in 0..<attempts {
            let udp: any Channel
            do {
                udp = try await DatagramBootstrap(group: loop)
                    .channelOption(.socketOption(.so_reuseaddr), value: 1)
                    .channelOption(.maxMessagesPerRead, value: 16)
                    .bind(host: configuration.host, port: configuration.port)
                    .get()
            } catch {
                throw ConnectError.listening(on: endpoint, error)
            }
            let port = udp.localAddress?.port ?? configuration.port
            var game = configuration.game
            game.udpPort = UInt16(port)
            let host = GameServerHost(configuration: game, loop: loop, logger: logger)
            do {
                try await loop.submit {
                    host.datagramChannel = udp
                    let handler = GameDatagramHandler(
                        host: host,
                        configuration: configuration.kcp,
                        idleTimeout: configuration.kcpTimeout,
                        maximumConversations: configuration.maximumConnections,
                        logger: logger
                    )
                    try udp.pipeline.syncOperations.addHandler(handler)
                }.get()
                let registry = ChannelRegistry()
                let tcp = try await Self.bindTCP(configuration, port: port, host: host, registry: registry, logger: logger)
                return GameService(host: host, tcp: tcp, udp: udp, registry: registry)
            } catch {
                lastError = error
                try? await udp.close()
            }
        }
        var tcpEndpoint = endpoint
        tcpEndpoint.transport = .tcp
        throw ConnectError.listening(on: tcpEndpoint, lastError ?? GamenetError(.unavailable, "no free port"))
    }

    /// Completes when both listeners have closed.
    package var closed: EventLoopFuture<Void> {
        self.tcp.closeFuture.and(self.udp.closeFuture).map { _ in () }
    }

    /// Stops accepting, says goodbye to every client, waits up to `drain` for the connections to close, then closes
    /// what is left and the UDP port.
    package func shutdown(drain: TimeAmount) async {
        try? await self.tcp.close()
        let host = self.host
        try? await host.loop.submit { host.beginShutdown() }.get()
        let deadline = NIODeadline.now() + drain
        while NIODeadline.now() < deadline {
            let open = (try? await host.loop.submit { host.connectionCount }.get()) ?? 0
            if open == 0 && self.registry.count == 0 {
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? await host.loop.submit { host.closeAll() }.get()
        try? await self.registry.closeAll(on: host.loop).get()
        try? await self.udp.close()
    }

    private static func bindTCP(
        _ configuration: Configuration,
        port: Int,
        host: GameServerHost,
        registry: ChannelRegistry,
        logger: Logger
    ) async throws -> any Channel {
        let limit = configuration.maximumConnections
        // Room for a message over the game's limit, so the server refuses it with an error instead of the WebSocket
        // layer closing the connection.
        let policy = {
            var policy = configuration.webSocket
            policy.configuration.maximumMessageSize = max(configuration.game.maximumMessageSize * 2, 64 * 1024)
            return policy
        }()
        let maximumMessageSize = configuration.game.maximumMessageSize
        return try await ServerBootstrap(group: host.loop)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: ReceiveBuffers.allocator)
            // A sender's burst is read whole before the host flushes, so each member gets it in one write.
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                guard registry.count < limit else {
                    logger.warning("refusing connection: \(limit) connections already open")
                    return channel.eventLoop.makeFailedFuture(GamenetError(.unavailable, "too many connections"))
                }
                registry.register(channel)
                return channel.eventLoop.makeCompletedFuture {
                    // One port for the stream protocol, WebSocket and HTTP: the first bytes decide. A gamenet client
                    // starts with a length prefix, 00 00 00 xx, which no HTTP method starts with.
                    try channel.pipeline.syncOperations.addHandler(
                        ProtocolSniffingHandler { channel, detected in
                            let operations = channel.pipeline.syncOperations
                            switch detected {
                            case .raw:
                                try operations.addHandler(
                                    ByteToMessageHandler(GameStreamFrameDecoder(maximumMessageSize: maximumMessageSize))
                                )
                                try operations.addHandler(GameConnectionHandler.stream(host: host))
                            case .http:
                                try operations.configureWebSocketServer(policy: policy) { channel, _ in
                                    channel.eventLoop.makeCompletedFuture {
                                        let operations = channel.pipeline.syncOperations
                                        if let http = try? operations.context(handlerType: GameHTTPHandler.self) {
                                            operations.removeHandler(context: http, promise: nil)
                                        }
                                        try GameConnectionHandler.addWebSocket(host: host, to: operations)
                                    }
                                }
                                let rejection = try operations.handler(type: WebSocketRejectionHandler.self)
                                try operations.addHandler(GameHTTPHandler(host: host), position: .before(rejection))
                            }
                        }
                    )
                }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }
}
