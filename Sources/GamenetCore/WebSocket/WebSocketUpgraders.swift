import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The server side of the WebSocket handshake: NIO's upgrader checks the request and computes
/// `Sec-WebSocket-Accept`; the pipeline after the 101 is gamenet's (``WebSocketFrameReader``,
/// ``WebSocketFrameWriter``, ``WebSocketHandler``), since NIO's upgrader would install its byte-at-a-time masking
/// encoder, which cannot be removed afterwards.
package struct WebSocketServerUpgrader: HTTPServerProtocolUpgrader, Sendable {
    private let handshake: NIOWebSocketServerUpgrader
    private let configuration: WebSocketConfiguration
    private let upgraded: @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<Void>

    package init(
        configuration: WebSocketConfiguration,
        shouldUpgrade: @escaping @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?>,
        upgraded: @escaping @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<Void>
    ) {
        self.configuration = configuration
        self.upgraded = upgraded
        // The pipeline handler is never called: `upgrade` below replaces NIO's.
        self.handshake = NIOWebSocketServerUpgrader(
            maxFrameSize: min(configuration.maximumMessageSize, Int(UInt32.max)),
            automaticErrorHandling: false,
            shouldUpgrade: shouldUpgrade,
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
        )
    }

    package var supportedProtocol: String { self.handshake.supportedProtocol }
    package var requiredUpgradeHeaders: [String] { self.handshake.requiredUpgradeHeaders }

    package func buildUpgradeResponse(
        channel: any Channel,
        upgradeRequest: HTTPRequestHead,
        initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        self.handshake.buildUpgradeResponse(
            channel: channel,
            upgradeRequest: upgradeRequest,
            initialResponseHeaders: initialResponseHeaders
        )
    }

    package func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        let configuration = self.configuration
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addWebSocketHandlers(role: .server, configuration: configuration)
        }.flatMap {
            self.upgraded(channel, upgradeRequest)
        }
    }
}

/// The client side of the WebSocket handshake: NIO's upgrader adds `Sec-WebSocket-Key` and checks the server's
/// `Sec-WebSocket-Accept`; the pipeline after the 101 is gamenet's, with masking a word at a time.
package struct WebSocketClientUpgrader: NIOHTTPClientProtocolUpgrader, Sendable {
    private let handshake: NIOWebSocketClientUpgrader
    private let configuration: WebSocketConfiguration
    private let upgraded: @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<Void>

    package init(
        configuration: WebSocketConfiguration,
        upgraded: @escaping @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<Void>
    ) {
        self.configuration = configuration
        self.upgraded = upgraded
        self.handshake = NIOWebSocketClientUpgrader(
            maxFrameSize: min(configuration.maximumMessageSize, Int(UInt32.max)),
            automaticErrorHandling: false,
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
        )
    }

    package var supportedProtocol: String { self.handshake.supportedProtocol }
    package var requiredUpgradeHeaders: [String] { self.handshake.requiredUpgradeHeaders }

    package func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        self.handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
    }

    package func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        self.handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
    }

    package func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        let configuration = self.configuration
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addWebSocketHandlers(role: .client, configuration: configuration)
        }.flatMap {
            self.upgraded(channel, upgradeResponse)
        }
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds what a connection needs once it speaks WebSocket: ``WebSocketFrameReader``, ``WebSocketFrameWriter`` and
    /// a ``WebSocketHandler``, which passes whole ``WebSocketMessage``s on.
    package func addWebSocketHandlers(role: WebSocketConnection.Role, configuration: WebSocketConfiguration) throws {
        try self.addHandler(WebSocketFrameReader(maximumFrameSize: configuration.maximumMessageSize))
        try self.addHandler(WebSocketFrameWriter())
        try self.addHandler(WebSocketHandler(role: role, configuration: configuration))
    }
}
