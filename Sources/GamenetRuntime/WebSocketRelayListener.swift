import GamenetCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Accepts WebSocket connections and relays each to its own connection to the target, as websockify does.
///
/// The target is connected before the upgrade is answered: a client whose target is down gets `502 Bad Gateway`
/// instead of a WebSocket that closes at once.
enum WebSocketRelayListener {
    static func bind(
        _ endpoint: NetworkEndpoint,
        group: any EventLoopGroup,
        context: RelayContext
    ) async throws -> any Channel {
        let limiter = ConnectionLimiter(limit: context.configuration.maximumConnections)
        var policy = context.configuration.webSocketServer
        if endpoint.path != "/" {
            policy.path = endpoint.path
        }
        let sendsText = context.configuration.webSocketClient.sendsText || endpoint.option("text") == "1"
        let finalPolicy = policy

        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: ReceiveBuffers.allocator)
            .childChannelInitializer { child in
                let peer = child.remoteAddress.map { "\($0)" } ?? "?"
                if let refusal = limiter.admit(child, peer: peer, logger: context.logger) {
                    return child.eventLoop.makeFailedFuture(refusal)
                }
                context.registry.register(child)
                let target = NIOLockedValueBox<(any Channel)?>(nil)
                child.closeFuture.whenComplete { _ in
                    // A target connected for an upgrade that never completed.
                    target.withLockedValue { $0 }.map { channel in
                        if channel.isActive, !(child.isActive) { channel.close(promise: nil) }
                    }
                }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureWebSocketServer(
                        policy: finalPolicy,
                        prepare: { channel, _ in
                            context.connectTarget(on: channel.eventLoop).map { connected in
                                target.withLockedValue { $0 = connected }
                                return nil
                            }.recover { error in
                                context.logger.warning("\(ConnectError.reason(error)); refusing upgrade from \(peer)")
                                return .targetUnavailable(ConnectError.reason(error))
                            }
                        },
                        upgraded: { channel, head in
                            guard let connected = target.withLockedValue({ $0 }) else {
                                return channel.close()
                            }
                            context.logger.info("WebSocket connection from \(peer) to \(head.uri)")
                            return channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(
                                    WebSocketMessageAdapter(sendsText: sendsText)
                                )
                                context.join(accepted: channel, label: peer, target: connected).whenComplete { _ in
                                    context.logger.info("connection from \(peer) closed")
                                }
                            }
                        }
                    )
                }
            }
        do {
            return try await bootstrap.bind(host: endpoint.listeningHost, port: endpoint.port).get()
        } catch {
            throw ConnectError.listening(on: endpoint, error)
        }
    }
}
