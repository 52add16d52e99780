import GamenetCore
import Logging
import NIOCore

/// What every relayed connection of one service shares: the configuration, the connector, the open channels and the
/// first error.
struct RelayContext: Sendable {
    var configuration: ProxyConfiguration
    var connector: EndpointConnector
    var registry: ChannelRegistry
    var logger: Logger
    var firstError: ConnectionErrorRecorder.FirstError
    var finishPromise: EventLoopPromise<Void>
    /// The impairments to apply, for `impair`; `nil` for a plain relay.
    var shaper: LinkShaper?

    /// The framing for the target's channel.
    var targetFraming: FramingMode? {
        self.configuration.framing(for: self.configuration.target, partner: self.configuration.listen)
    }

    /// The framing for an accepted connection's channel.
    var listenFraming: FramingMode? {
        self.configuration.framing(for: self.configuration.listen, partner: self.configuration.target)
    }

    /// Connects to the target on `eventLoop`, with the target's framing and the message limit if one is set.
    func connectTarget(on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let limit = self.configuration.messageLimit
        return self.connector.connect(
            to: self.configuration.target,
            on: eventLoop,
            framing: self.targetFraming,
            maximumMessageLength: self.configuration.maximumMessageLength
        ).flatMapThrowing { channel in
            self.registry.register(channel)
            if let limit {
                try channel.pipeline.syncOperations.addHandler(MessageLimitHandler(limit: limit))
            }
            return channel
        }
    }

    /// Relays standard I/O to the target: nothing is read until the target is connected, so an unreachable one
    /// fails before any input is consumed.
    ///
    /// - Returns: a future that succeeds once the relay runs; the service finishes when the relay ends.
    func relayStandardIO(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        if self.configuration.echoesTarget {
            return self.echoTarget(on: eventLoop)
        }
        // Standard I/O is opened first (it reads nothing until the relay starts), so that the join runs in the
        // same tick as the target's connection completes: a server that speaks and closes at once, right after a
        // WebSocket upgrade, loses nothing in between.
        return self.connector.connect(
            to: .standardIO,
            on: eventLoop,
            framing: self.listenFraming,
            maximumMessageLength: self.configuration.maximumMessageLength
        ).flatMap { standardIO in
            self.registry.register(standardIO)
            return self.connectTarget(on: eventLoop).flatMapError { error in
                standardIO.close(promise: nil)
                return eventLoop.makeFailedFuture(error)
            }.map { target in
                self.join(accepted: standardIO, label: "-", target: target).whenComplete { _ in
                    self.finishPromise.succeed(())
                }
            }
        }
    }

    /// Connects to the target and sends everything it sends back to it, until it closes (`connect --echo`).
    private func echoTarget(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        self.connectTarget(on: eventLoop).flatMapThrowing { target in
            let operations = target.pipeline.syncOperations
            // A WebSocket connection echoes inside its handler (text as text; see `echoesMessages`).
            if (try? operations.context(handlerType: WebSocketHandler.self)) == nil {
                try operations.addHandler(StreamEchoHandler())
            }
            try operations.addHandler(
                ConnectionErrorRecorder(
                    label: self.configuration.target.description,
                    logger: self.logger,
                    firstError: self.firstError
                )
            )
            target.closeFuture.whenComplete { _ in self.finishPromise.succeed(()) }
            target.pipeline.fireUserInboundEventTriggered(RelayEvent.started)
            target.setOption(.autoRead, value: true).whenFailure { _ in target.close(promise: nil) }
        }
    }

    /// Joins an accepted channel with a freshly connected target channel.
    ///
    /// - Returns: a future that completes when both have closed.
    func join(
        accepted: any Channel,
        label: String,
        target: any Channel,
        shaping: (first: any RelayShaping, second: any RelayShaping)? = nil
    ) -> EventLoopFuture<Void> {
        self.logger.debug("relaying \(label) to \(self.configuration.target)")
        return ChannelRelay.join(
            accepted,
            self.configuration.relaySide(for: self.configuration.listen),
            label: label,
            target,
            self.configuration.relaySide(for: self.configuration.target),
            label: self.configuration.target.description,
            logger: self.logger,
            firstError: self.firstError,
            shaping: shaping
        )
    }
}
