import GamenetCore
import Logging
import NIOCore

/// Wires two open channels on one event loop into a relay and starts reading on both.
enum ChannelRelay {
    /// Joins `first` and `second` with a ``RelayHandler`` pair and a ``ConnectionErrorRecorder`` on each.
    ///
    /// - Returns: a future that completes when both channels have closed.
    static func join(
        _ first: any Channel,
        _ firstSide: RelayHandler.Side,
        label firstLabel: String,
        _ second: any Channel,
        _ secondSide: RelayHandler.Side,
        label secondLabel: String,
        logger: Logger,
        firstError: ConnectionErrorRecorder.FirstError,
        shaping: (first: any RelayShaping, second: any RelayShaping)? = nil
    ) -> EventLoopFuture<Void> {
        precondition(first.eventLoop === second.eventLoop, "a relay's channels share one event loop")
        let eventLoop = first.eventLoop
        eventLoop.preconditionInEventLoop()
        let (firstHandler, secondHandler) = RelayHandler.makePair(firstSide, secondSide)
        firstHandler.shaping = shaping?.first
        secondHandler.shaping = shaping?.second
        firstHandler.writabilityGate = try? first.pipeline.syncOperations.handler(type: KCPChannelHandler.self)
        secondHandler.writabilityGate = try? second.pipeline.syncOperations.handler(type: KCPChannelHandler.self)
        do {
            try first.pipeline.syncOperations.addHandlers([
                firstHandler,
                ConnectionErrorRecorder(label: firstLabel, logger: logger, firstError: firstError),
            ])
            try second.pipeline.syncOperations.addHandlers([
                secondHandler,
                ConnectionErrorRecorder(label: secondLabel, logger: logger, firstError: firstError),
            ])
        } catch {
            first.close(promise: nil)
            second.close(promise: nil)
            return eventLoop.makeFailedFuture(error)
        }
        first.pipeline.fireUserInboundEventTriggered(RelayEvent.started)
        second.pipeline.fireUserInboundEventTriggered(RelayEvent.started)
        first.setOption(.autoRead, value: true).whenFailure { _ in first.close(promise: nil) }
        second.setOption(.autoRead, value: true).whenFailure { _ in second.close(promise: nil) }
        return first.closeFuture.and(second.closeFuture).map { _ in () }
    }
}
