import GamenetCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Accepts TCP connections and relays each to its own connection to the target.
///
/// An accepted connection reads nothing until its target connection is up; if the target cannot be reached, the
/// accepted connection is closed and the failure logged. When the target is standard I/O, the listener takes one
/// connection and then stops listening.
enum TCPRelayListener {
    static func bind(
        _ endpoint: NetworkEndpoint,
        group: any EventLoopGroup,
        context: RelayContext
    ) async throws -> any Channel {
        let servesStandardIO = context.configuration.target == .standardIO
        let serverChannel = NIOLockedValueBox<(any Channel)?>(nil)
        let limiter = ConnectionLimiter(limit: servesStandardIO ? 1 : context.configuration.maximumConnections)
        let logger = context.logger

        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: ReceiveBuffers.allocator)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { child in
                let peer = child.remoteAddress.map { "\($0)" } ?? "?"
                if let refusal = limiter.admit(child, peer: peer, logger: logger) {
                    return child.eventLoop.makeFailedFuture(refusal)
                }
                context.registry.register(child)
                if servesStandardIO {
                    // Like socat's TCP-LISTEN without fork: one connection, then the listener goes away. Closing it
                    // now would abort this connection's registration, so it closes when the connection does; any
                    // other connection meanwhile meets the limit of one.
                    child.closeFuture.whenComplete { _ in
                        serverChannel.withLockedValue { $0?.close(promise: nil) }
                    }
                }
                logger.info("connection from \(peer)")
                do {
                    if let framing = context.listenFraming {
                        try child.pipeline.syncOperations.addFramingHandlers(
                            mode: framing,
                            maximumMessageLength: context.configuration.maximumMessageLength
                        )
                    }
                } catch {
                    return child.eventLoop.makeFailedFuture(error)
                }
                // The accepted connection is registered, and so starts reading, only once its relay is in place.
                return Self.relay(child, peer: peer, context: context)
            }

        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: endpoint.listeningHost, port: endpoint.port).get()
        } catch {
            throw ConnectError.listening(on: endpoint, error)
        }
        serverChannel.withLockedValue { $0 = channel }
        return channel
    }

    private static func relay(
        _ child: any Channel,
        peer: String,
        context: RelayContext
    ) -> EventLoopFuture<Void> {
        let target: EventLoopFuture<any Channel>
        if context.configuration.target == .standardIO {
            target = context.connector.connect(
                to: .standardIO,
                on: child.eventLoop,
                framing: context.targetFraming,
                maximumMessageLength: context.configuration.maximumMessageLength
            ).map { channel in
                context.registry.register(channel)
                return channel
            }
        } else {
            target = context.connectTarget(on: child.eventLoop)
        }
        return target.map { target in
            let shaping = context.shaper.map { ShapedStreamConnection(eventLoop: child.eventLoop, shaper: $0) }
            shaping?.attach(child)
            shaping?.attach(target)
            context.join(
                accepted: child,
                label: peer,
                target: target,
                shaping: shaping.map { ($0.shaping(.up), $0.shaping(.down)) }
            ).whenComplete { _ in
                context.logger.info("connection from \(peer) closed")
                if context.configuration.target == .standardIO {
                    context.finishPromise.succeed(())
                }
            }
        }.flatMapErrorThrowing { error in
            context.logger.warning("\(ConnectError.reason(error)); closing connection from \(peer)")
            context.firstError.record(error as? GamenetError ?? GamenetError(.ioError, "\(error)"))
            if context.configuration.target == .standardIO {
                context.finishPromise.succeed(())
            }
            throw error
        }
    }
}
