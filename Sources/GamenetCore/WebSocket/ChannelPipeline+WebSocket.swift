import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket

extension ChannelPipeline.SynchronousOperations {
    /// Makes this channel an HTTP server that upgrades requests the policy accepts to WebSocket and answers the
    /// others with an HTTP error (``WebSocketRejectionHandler``).
    ///
    /// After the upgrade the pipeline holds what ``addWebSocketHandlers(role:configuration:)`` adds, and `upgraded`
    /// adds the application's handlers behind it.
    ///
    /// - Parameters:
    ///   - prepare: called for an acceptable request before the 101 answer, to get ready (a relay connects to its
    ///     target here); a rejection it returns is answered instead of the upgrade.
    ///   - upgraded: adds the application's handlers once the connection speaks WebSocket.
    package func configureWebSocketServer(
        policy: WebSocketServerPolicy,
        prepare: (@Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<WebSocketServerPolicy.Rejection?>)? = nil,
        upgraded: @escaping @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<Void>
    ) throws {
        let preparedRejection = NIOLockedValueBox<WebSocketServerPolicy.Rejection?>(nil)
        let upgrader = WebSocketServerUpgrader(
            configuration: policy.configuration,
            shouldUpgrade: { channel, head in
                guard policy.check(head) == nil else { return channel.eventLoop.makeSucceededFuture(nil) }
                var headers = HTTPHeaders()
                if let subprotocol = policy.negotiatedSubprotocol(head) {
                    headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol)
                }
                guard let prepare else { return channel.eventLoop.makeSucceededFuture(headers) }
                let acceptedHeaders = headers
                return prepare(channel, head).map { rejection in
                    preparedRejection.withLockedValue { $0 = rejection }
                    return rejection == nil ? acceptedHeaders : nil
                }
            },
            upgraded: upgraded
        )
        let rejection = WebSocketRejectionHandler(policy: policy) { _ in
            preparedRejection.withLockedValue { $0 }
        }
        try self.configureHTTPServerPipeline(
            withServerUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    let operations = context.pipeline.syncOperations
                    if let rejection = try? operations.context(handlerType: WebSocketRejectionHandler.self) {
                        operations.removeHandler(context: rejection, promise: nil)
                    }
                }
            )
        )
        try self.addHandler(rejection)
    }
}
