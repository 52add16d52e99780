import GamenetCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Opens `ws://` endpoints: a TCP connection, the HTTP upgrade (RFC 6455 §4.1), then a channel of messages ready to
/// be relayed.
enum WebSocketConnector {
    /// Connects and upgrades; fails with exit 69 and the server's status line when it answers anything but 101.
    static func connect(
        to endpoint: NetworkEndpoint,
        on eventLoop: any EventLoop,
        options: WebSocketClientOptions
    ) -> EventLoopFuture<any Channel> {
        let upgraded = eventLoop.makePromise(of: (any Channel).self)
        let timeout = eventLoop.scheduleTask(in: options.handshakeTimeout) {
            upgraded.fail(
                GamenetError(
                    .unavailable,
                    "cannot connect to \(endpoint): no WebSocket handshake within "
                        + Duration.nanoseconds(options.handshakeTimeout.nanoseconds).shortDescription
                )
            )
        }
        upgraded.futureResult.whenComplete { _ in timeout.cancel() }

        let upgrader = WebSocketClientUpgrader(configuration: options.configuration) { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(WebSocketMessageAdapter(sendsText: options.sendsText))
                // A server may speak right after its 101, before the relay is joined.
                try channel.pipeline.syncOperations.addHandler(RelayStartBuffer())
                upgraded.succeed(channel)
            }
        }
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(options.handshakeTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Frames that arrive in the same read as the 101 answer stay in the HTTP decoder's buffer; they
                    // must be passed on, not dropped, when the decoder leaves the pipeline.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (
                            upgraders: [upgrader],
                            completionHandler: { context in
                                // The watcher reads HTTP answers; once the connection speaks WebSocket it must go.
                                let operations = context.pipeline.syncOperations
                                if let watcher = try? operations.context(handlerType: WebSocketHandshakeWatcher.self) {
                                    operations.removeHandler(context: watcher, promise: nil)
                                }
                            }
                        )
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        WebSocketHandshakeWatcher(endpoint: endpoint, upgraded: upgraded)
                    )
                }
            }
        if let source = options.sourceAddress {
            bootstrap = bootstrap.bind(to: source).channelOption(.bindAddressWithoutPort, value: 1)
        }
        bootstrap.connect(host: endpoint.host, port: endpoint.port).whenComplete { result in
            switch result {
            case .failure(let error):
                upgraded.fail(ConnectError.connecting(to: endpoint, error))
            case .success(let channel):
                upgraded.futureResult.whenFailure { _ in channel.close(promise: nil) }
                Self.sendUpgradeRequest(on: channel, endpoint: endpoint, options: options)
            }
        }
        return upgraded.futureResult
    }

    private static func sendUpgradeRequest(
        on channel: any Channel,
        endpoint: NetworkEndpoint,
        options: WebSocketClientOptions
    ) {
        var headers = HTTPHeaders()
        let defaultPort = 80
        let host = NetworkEndpoint.formatHost(endpoint.host)
        headers.add(name: "Host", value: endpoint.port == defaultPort ? host : "\(host):\(endpoint.port)")
        if let origin = options.origin {
            headers.add(name: "Origin", value: origin)
        }
        if !options.subprotocols.isEmpty {
            headers.add(name: "Sec-WebSocket-Protocol", value: options.subprotocols.joined(separator: ", "))
        }
        for header in options.headers {
            headers.add(name: header.name, value: header.value)
        }
        var uri = endpoint.path
        let query = endpoint.options.filter { !Self.gamenetOptions.contains($0.key) }
        if !query.isEmpty {
            uri += "?" + query.map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }.joined(separator: "&")
        }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// Query options that configure gamenet itself and are not sent to the server.
    static let gamenetOptions: Set<String> = ["text"]
}

/// Sees what the server answers when it does not upgrade, and turns it into a one-line error.
private final class WebSocketHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let endpoint: NetworkEndpoint
    private let upgraded: EventLoopPromise<any Channel>

    init(endpoint: NetworkEndpoint, upgraded: EventLoopPromise<any Channel>) {
        self.endpoint = endpoint
        self.upgraded = upgraded
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = Self.unwrapInboundIn(data) {
            let status =
                "HTTP/\(head.version.major).\(head.version.minor) \(head.status.code) \(head.status.reasonPhrase)"
            self.upgraded.fail(
                GamenetError(.unavailable, "WebSocket handshake with \(self.endpoint) refused: \(status)")
            )
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason =
            error is NIOHTTPClientUpgradeError
            ? "the server's answer is not a valid WebSocket upgrade" : ConnectError.reason(error)
        self.upgraded.fail(GamenetError(.unavailable, "WebSocket handshake with \(self.endpoint) failed: \(reason)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.upgraded.fail(
            GamenetError(.unavailable, "WebSocket handshake with \(self.endpoint) failed: connection closed")
        )
        context.fireChannelInactive()
    }
}
