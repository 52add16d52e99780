import GamenetCore
import NIOCore
import NIOHTTP1

/// Answers `GET /metrics` (Prometheus text) and `GET /status` (JSON) on the game server's port; every other request
/// goes on to the WebSocket upgrade's rejection handler behind it.
final class GameHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Resource {
        case metrics
        case status
    }

    private let host: GameServerHost
    /// The request being answered here, until its end arrives.
    private var current: (head: HTTPRequestHead, resource: Resource)?

    init(host: GameServerHost) {
        self.host = host
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = Self.unwrapInboundIn(data)
        switch part {
        case .head(let head):
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            switch (head.method, path) {
            case (.GET, "/metrics"):
                self.current = (head, .metrics)
            case (.GET, "/status"):
                self.current = (head, .status)
            default:
                context.fireChannelRead(data)
            }
        case .body:
            if self.current == nil {
                context.fireChannelRead(data)
            }
        case .end:
            guard let (head, resource) = self.current else {
                context.fireChannelRead(data)
                return
            }
            self.current = nil
            let report = self.host.report
            switch resource {
            case .metrics:
                self.respond(
                    context: context,
                    head: head,
                    contentType: "text/plain; version=0.0.4; charset=utf-8",
                    body: report.prometheusText
                )
            case .status:
                self.respond(context: context, head: head, contentType: "application/json", body: report.statusJSON + "\n")
            }
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, contentType: String, body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        // One request per connection keeps the upgrade path simple: a kept-alive connection could ask to upgrade next.
        headers.add(name: "Connection", value: "close")
        let response = HTTPResponseHead(version: head.version, status: .ok, headers: headers)
        context.write(Self.wrapOutboundOut(.head(response)), promise: nil)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension GameHTTPHandler: Sendable {}
