import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Answers the HTTP requests that were not upgraded to WebSocket with a clean error response, instead of dropping
/// the connection: 404 for another path, 403 for a forbidden origin, 426 for plain HTTP or another WebSocket
/// version, 400 for a malformed upgrade, 502 when a relay's target is down.
package final class WebSocketRejectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPServerRequestPart
    package typealias OutboundOut = HTTPServerResponsePart

    private let policy: WebSocketServerPolicy
    private let explain: @Sendable (HTTPRequestHead) -> WebSocketServerPolicy.Rejection?
    private var rejection: WebSocketServerPolicy.Rejection?
    private var head: HTTPRequestHead?

    /// - Parameter explain: a reason found earlier (a failed target connection), or `nil` to check the policy.
    package init(
        policy: WebSocketServerPolicy,
        explain: @escaping @Sendable (HTTPRequestHead) -> WebSocketServerPolicy.Rejection? = { _ in nil }
    ) {
        self.policy = policy
        self.explain = explain
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.rejection = self.explain(head) ?? self.policy.check(head) ?? .badRequest("upgrade refused")
        case .body:
            break
        case .end:
            guard let head = self.head, let rejection = self.rejection else { return }
            self.head = nil
            self.respond(context: context, head: head, rejection: rejection)
        }
    }

    private func respond(
        context: ChannelHandlerContext,
        head: HTTPRequestHead,
        rejection: WebSocketServerPolicy.Rejection
    ) {
        let body = rejection.reason + "\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        if rejection == .upgradeRequired {
            headers.add(name: "Upgrade", value: "websocket")
            headers.add(name: "Sec-WebSocket-Version", value: "13")
        }
        let response = HTTPResponseHead(version: head.version, status: rejection.status, headers: headers)
        context.write(Self.wrapOutboundOut(.head(response)), promise: nil)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The upgrader reports why it declined; the request itself follows and is answered from it.
        if error is NIOWebSocketUpgradeError || error is HTTPServerUpgradeErrors {
            return
        }
        context.fireErrorCaught(error)
    }
}

@available(*, unavailable)
extension WebSocketRejectionHandler: Sendable {}
