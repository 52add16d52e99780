import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// A running `gamenet tunnel` end: its sockets, and access to its counters, from any thread.
package struct TunnelService: Sendable {
    /// The URLs it listens on, port 0 resolved.
    package let listeningURLs: [String]
    private let readTotals: @Sendable () async -> TunnelTotals
    private let stop: @Sendable () async -> Void

    /// The counters summed over every flow so far.
    package func totals() async -> TunnelTotals { await self.readTotals() }

    /// Closes every flow and socket.
    package func shutdown() async { await self.stop() }

    private static func bindUDP(
        _ address: SocketAddress,
        on loop: any EventLoop,
        receive: @escaping @Sendable (AddressedEnvelope<ByteBuffer>) -> Void
    ) async throws -> any Channel {
        try await DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 * 1024 * 1024)
            .channelOption(.socketOption(.so_sndbuf), value: 4 * 1024 * 1024)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
            .channelOption(.maxMessagesPerRead, value: 32)
            .channelInitializer { channel in
                loop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TunnelDatagramHandler(receive: receive))
                }
            }
            .bind(to: address).get()
    }

    /// Starts a TCP tunnel server: UDP on `listen`, every stream connected to `target`.
    package static func startServer(
        listen: SocketAddress,
        target: SocketAddress,
        configuration: TunnelConfiguration,
        logger: Logger
    ) async throws -> TunnelService {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let table = try await loop.submit {
            NIOLoopBound(
                TunnelFlowTable(eventLoop: loop, configuration: configuration, target: target, logger: logger),
                eventLoop: loop
            )
        }.get()
        let channel = try await Self.bindUDP(listen, on: loop) { table.value.receive($0) }
        try await loop.submit { table.value.channel = channel }.get()
        return TunnelService(
            listeningURLs: [ListeningAddress.url(transport: .udp, address: channel.localAddress)],
            readTotals: { (try? await loop.submit { table.value.totals() }.get()) ?? TunnelTotals() },
            stop: { try? await loop.submit { table.value.close() }.get() }
        )
    }

    /// Starts a TCP tunnel client: TCP on `listen`, every connection a stream of a flow to `server` (UDP); with
    /// `connections` above 1, that many flows on as many UDP sockets take the streams in turn (kcptun's `--conn`).
    package static func startClient(
        listen: SocketAddress,
        server: SocketAddress,
        connections: Int = 1,
        configuration: TunnelConfiguration,
        logger: Logger
    ) async throws -> TunnelService {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let flows = try await loop.submit {
            NIOLoopBound(
                TunnelClientFlows(
                    eventLoop: loop,
                    configuration: configuration,
                    server: server,
                    connections: connections,
                    logger: logger
                ),
                eventLoop: loop
            )
        }.get()
        let local: SocketAddress =
            server.protocol == .inet6 ? try .init(ipAddress: "::", port: 0) : try .init(ipAddress: "0.0.0.0", port: 0)
        var sockets: [any Channel] = []
        do {
            for index in 0..<connections {
                sockets.append(try await Self.bindUDP(local, on: loop) { flows.value.receive($0, on: index) })
            }
        } catch {
            for socket in sockets { socket.close(promise: nil) }
            throw error
        }
        let udp = sockets
        try await loop.submit {
            flows.value.channels = udp
            try flows.value.openAll()
        }.get()
        let listener: any Channel
        do {
            listener = try await ServerBootstrap(group: loop)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    loop.makeCompletedFuture { try flows.value.accept(channel) }
                }
                .bind(to: listen).get()
        } catch {
            for socket in udp { socket.close(promise: nil) }
            throw error
        }
        return TunnelService(
            listeningURLs: [ListeningAddress.url(transport: .tcp, address: listener.localAddress)],
            readTotals: { (try? await loop.submit { flows.value.totals() }.get()) ?? TunnelTotals() },
            stop: {
                listener.close(promise: nil)
                try? await loop.submit { flows.value.close() }.get()
            }
        )
    }

    /// Starts one end of a UDP tunnel: datagrams on `listen`, FEC and the AEAD only, each peer a flow that ends after
    /// `idleTimeout` without a datagram. A client's `far` is the server (UDP), a server's the target (UDP).
    package static func startDatagrams(
        listen: SocketAddress,
        far: SocketAddress,
        isClient: Bool,
        idleTimeout: TimeAmount,
        configuration: TunnelConfiguration,
        logger: Logger
    ) async throws -> TunnelService {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let relay = try await loop.submit {
            NIOLoopBound(
                try TunnelDatagramRelay(
                    eventLoop: loop,
                    configuration: configuration,
                    role: isClient ? .client(server: far) : .server(target: far),
                    idleTimeout: idleTimeout,
                    logger: logger
                ),
                eventLoop: loop
            )
        }.get()
        let channel = try await Self.bindUDP(listen, on: loop) { relay.value.receive($0) }
        try await loop.submit { relay.value.channel = channel }.get()
        return TunnelService(
            listeningURLs: [ListeningAddress.url(transport: .udp, address: channel.localAddress)],
            readTotals: { (try? await loop.submit { relay.value.totals() }.get()) ?? TunnelTotals() },
            stop: { try? await loop.submit { relay.value.close() }.get() }
        )
    }
}
