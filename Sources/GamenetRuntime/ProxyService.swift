import GamenetCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A running `proxy` (or `connect`): a listener, or standard I/O, whose every connection is relayed to the target.
package final class ProxyService: Sendable {
    /// The URLs the service listens on, with the ports the operating system picked.
    package let listeningURLs: [String]
    /// Completes when the service has nothing more to do: the one relay of standard I/O ended, or the service was
    /// shut down. A listener serving many connections runs until ``shutdown()``.
    package let finished: EventLoopFuture<Void>
    /// The first failure on a relayed connection, for the exit status of single-connection runs.
    package let firstError: ConnectionErrorRecorder.FirstError

    private let listeners: [any Channel]
    private let registry: ChannelRegistry
    private let finishPromise: EventLoopPromise<Void>

    private init(
        listeners: [any Channel],
        listeningURLs: [String],
        registry: ChannelRegistry,
        finishPromise: EventLoopPromise<Void>,
        firstError: ConnectionErrorRecorder.FirstError
    ) {
        self.listeners = listeners
        self.listeningURLs = listeningURLs
        self.registry = registry
        self.finishPromise = finishPromise
        self.finished = finishPromise.futureResult
        self.firstError = firstError
    }

    /// Starts relaying as `configuration` says.
    ///
    /// - Throws: a ``GamenetError``: usage (exit 64) for a pair of endpoints that cannot be relayed, unavailable
    ///   (exit 69) when the listener cannot bind or, for standard input, the target cannot be reached.
    package static func start(
        _ configuration: ProxyConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        shaper: LinkShaper? = nil,
        logger: Logger
    ) async throws -> ProxyService {
        try Self.validate(configuration)
        let registry = ChannelRegistry()
        let firstError = ConnectionErrorRecorder.FirstError(
            isReportedAtExit: configuration.listen == .standardIO || configuration.target == .standardIO
        )
        let eventLoop = group.next()
        let finishPromise = eventLoop.makePromise(of: Void.self)
        var connector = EndpointConnector(
            connectTimeout: configuration.connectTimeout,
            standardInput: configuration.standardInput,
            webSocket: configuration.webSocketClient
        )
        connector.kcpTimeout = configuration.kcpTimeout
        let context = RelayContext(
            configuration: configuration,
            connector: connector,
            registry: registry,
            logger: logger,
            firstError: firstError,
            finishPromise: finishPromise,
            shaper: shaper
        )

        do {
            return try await Self.start(context, on: eventLoop, group: group)
        } catch {
            finishPromise.fail(error)
            throw error
        }
    }

    private static func start(
        _ context: RelayContext,
        on eventLoop: any EventLoop,
        group: any EventLoopGroup
    ) async throws -> ProxyService {
        let configuration = context.configuration
        let registry = context.registry
        let finishPromise = context.finishPromise
        let firstError = context.firstError
        switch configuration.listen {
        case .standardIO:
            try await context.relayStandardIO(on: eventLoop).get()
            return ProxyService(
                listeners: [],
                listeningURLs: [],
                registry: registry,
                finishPromise: finishPromise,
                firstError: firstError
            )
        case .network(let endpoint):
            let listener: any Channel
            switch endpoint.transport {
            case .tcp:
                listener = try await TCPRelayListener.bind(endpoint, group: group, context: context)
            case .udp:
                listener = try await UDPFlowDispatcher.bind(endpoint, group: group, context: context)
            case .ws:
                listener = try await WebSocketRelayListener.bind(endpoint, group: group, context: context)
            case .kcp:
                listener = try await KCPServerDispatcher.bind(endpoint, group: group, context: context)
            }
            let url = ListeningAddress.url(
                transport: endpoint.transport,
                address: listener.localAddress,
                path: endpoint.transport == .ws ? endpoint.path : ""
            )
            listener.closeFuture.whenComplete { _ in
                // A listener that serves a single stdio relay closes itself after its one connection, and the
                // service ends with that relay, not with the listener.
                if configuration.target != .standardIO {
                    finishPromise.succeed(())
                }
            }
            return ProxyService(
                listeners: [listener],
                listeningURLs: [url],
                registry: registry,
                finishPromise: finishPromise,
                firstError: firstError
            )
        }
    }

    /// Stops accepting, closes every relayed connection and completes ``finished``.
    package func shutdown() async {
        for listener in self.listeners {
            try? await listener.close()
        }
        let eventLoop = self.finishPromise.futureResult.eventLoop
        try? await self.registry.closeAll(on: eventLoop).get()
        self.finishPromise.succeed(())
    }

    private static func validate(_ configuration: ProxyConfiguration) throws {
        if configuration.listen == .standardIO, configuration.target == .standardIO {
            throw GamenetError(.usage, "cannot relay standard I/O to itself; one endpoint must be a network URL")
        }
        if case .network(let endpoint) = configuration.target, endpoint.host.isEmpty {
            throw GamenetError(.usage, "target \(endpoint) has no host to connect to")
        }
    }
}
