import Foundation
import GamenetCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP/JSON control API of `impair --control HOST:PORT`, so a test can change the link mid-run:
///
/// | request | answer |
/// |---|---|
/// | `GET /settings` | `{"up":"delay 50ms loss 2%","down":"…","seed":42}` |
/// | `PUT /settings` with `{"up":"…","down":"…","both":"…"}` | replaces the named directions' specs (each a full spec string; `none` for a clean link) |
/// | `GET /stats` | the counters of each direction |
/// | `POST /reset` | sets the counters to zero |
///
/// A bad spec gets `400` with the parser's message, which names the offending token.
package final class ShaperControlServer: Sendable {
    /// `HOST:PORT` as bound.
    package let address: String
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
        let host = channel.localAddress?.ipAddress ?? "?"
        self.address = "\(NetworkEndpoint.formatHost(host)):\(channel.localAddress?.port ?? 0)"
    }

    package static func start(
        host: String,
        port: Int,
        shaper: LinkShaper,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> ShaperControlServer {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(ShaperControlHandler(shaper: shaper, logger: logger))
                }
            }
        do {
            return ShaperControlServer(channel: try await bootstrap.bind(host: host, port: port).get())
        } catch {
            throw ConnectError.listening(on: NetworkEndpoint(transport: .tcp, host: host, port: port), error)
        }
    }

    package func shutdown() async {
        try? await self.channel.close()
    }
}

/// Answers the control API's requests, one at a time per connection.
private final class ShaperControlHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Request bodies are small JSON objects; anything larger is refused.
    private static let maximumBodySize = 64 * 1024

    private let shaper: LinkShaper
    private let logger: Logger
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var bodyTooLarge = false

    init(shaper: LinkShaper, logger: Logger) {
        self.shaper = shaper
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body.clear()
            self.bodyTooLarge = false
        case .body(var chunk):
            if self.body.readableBytes + chunk.readableBytes > Self.maximumBodySize {
                self.bodyTooLarge = true
            } else {
                self.body.writeBuffer(&chunk)
            }
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            if self.bodyTooLarge {
                self.respond(context: context, head: head, status: .payloadTooLarge, json: Self.error("body too large"))
                return
            }
            self.route(context: context, head: head)
        }
    }

    private func route(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch (head.method, path) {
        case (.GET, "/settings"):
            self.respond(context: context, head: head, status: .ok, json: self.settingsJSON())
        case (.PUT, "/settings"):
            self.updateSettings(context: context, head: head)
        case (.GET, "/stats"):
            let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let promise = context.eventLoop.makePromise(of: String.self)
            let shaper = self.shaper
            promise.completeWithTask {
                let counters = await shaper.counters()
                return #"{"up":\#(Self.encode(counters.up)),"down":\#(Self.encode(counters.down))}"#
            }
            promise.futureResult.whenSuccess { json in
                loopBoundSelf.value.respond(context: loopBoundContext.value, head: head, status: .ok, json: json)
            }
        case (.POST, "/reset"):
            self.shaper.resetCounters()
            self.respond(context: context, head: head, status: .ok, json: #"{"reset":true}"#)
        case (_, "/settings"), (_, "/stats"), (_, "/reset"):
            self.respond(
                context: context,
                head: head,
                status: .methodNotAllowed,
                json: Self.error("method not allowed")
            )
        default:
            self.respond(context: context, head: head, status: .notFound, json: Self.error("no such resource"))
        }
    }

    private func updateSettings(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let request: [String: String]
        do {
            let object = try JSONSerialization.jsonObject(with: Data(self.body.readableBytesView))
            guard let strings = object as? [String: String] else {
                throw GamenetError(.badData, "expected an object of spec strings")
            }
            request = strings
        } catch {
            let message = #"expected JSON such as {"up":"loss 5%","down":"none"}"#
            self.respond(context: context, head: head, status: .badRequest, json: Self.error(message))
            return
        }
        do {
            if let unknown = request.keys.first(where: { !["up", "down", "both"].contains($0) }) {
                throw ImpairmentSpecParseError(token: unknown, "unknown direction, expected up, down or both")
            }
            let both = try request["both"].map(Self.parse)
            let up = try request["up"].map(Self.parse) ?? both
            let down = try request["down"].map(Self.parse) ?? both
            self.shaper.update(up: up, down: down)
            self.logger.notice("control: up \(self.shaper.configuration.up), down \(self.shaper.configuration.down)")
            self.respond(context: context, head: head, status: .ok, json: self.settingsJSON())
        } catch {
            self.respond(context: context, head: head, status: .badRequest, json: Self.error("\(error)"))
        }
    }

    private static func parse(_ text: String) throws -> ImpairmentSpec {
        text == "none" ? ImpairmentSpec() : try ImpairmentSpec(parsing: text)
    }

    private func settingsJSON() -> String {
        let configuration = self.shaper.configuration
        return
            #"{"up":\#(Self.quote(configuration.up.description)),"down":\#(Self.quote(configuration.down.description)),"seed":\#(configuration.seed)}"#
    }

    private func respond(
        context: ChannelHandlerContext,
        head: HTTPRequestHead,
        status: HTTPResponseStatus,
        json: String
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(json.utf8.count + 1))
        let keepAlive = head.isKeepAlive
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        }
        context.write(
            Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil
        )
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: json + "\n")))), promise: nil)
        let done = context.writeAndFlush(Self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in loopBoundContext.value.close(promise: nil) }
        }
    }

    private static func error(_ message: String) -> String {
        #"{"error":\#(Self.quote(message))}"#
    }

    private static func quote(_ text: String) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    private static func encode(_ counters: ImpairmentCounters) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(counters)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

@available(*, unavailable)
extension ShaperControlHandler: Sendable {}
