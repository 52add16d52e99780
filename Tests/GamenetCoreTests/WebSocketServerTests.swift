import GamenetCore
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

extension WebSocketTests {
    /// One port for raw TCP and WebSocket (``ProtocolSniffingHandler``), and which upgrade requests the server takes
    /// (``WebSocketServerPolicy``, ``WebSocketRejectionHandler``).
    @Suite struct Server {
        // MARK: - ProtocolSniffingHandler

        /// A sniffing channel whose `decide` records what it detected and adds a ``Received`` recorder behind it.
        private static func makeSniffingChannel() throws -> (
            channel: EmbeddedChannel, detected: Detections, received: Received
        ) {
            let detected = Detections()
            let received = Received()
            let sniffer = ProtocolSniffingHandler { channel, protocolFound in
                detected.values.append(protocolFound)
                try channel.pipeline.syncOperations.addHandler(received)
            }
            let channel = EmbeddedChannel(handler: sniffer)
            try channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 40_000)).wait()
            return (channel, detected, received)
        }

        private static func snifferIsGone(_ channel: EmbeddedChannel) -> Bool {
            (try? channel.pipeline.syncOperations.handler(type: ProtocolSniffingHandler.self)) == nil
        }

        @Test(arguments: [
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET ", "HEAD / HTTP/1.1\r\n", "POST /", "PUT /", "DELETE /",
            "OPTIONS * HTTP/1.1",
        ])
        func anHTTPRequestIsDetected(request: String) throws {
            let (channel, detected, received) = try Self.makeSniffingChannel()
            try channel.writeInbound(ByteBuffer(string: request))
            #expect(detected.values == [.http])
            #expect(received.reads == [ByteBuffer(string: request)])
            #expect(Self.snifferIsGone(channel))
        }

        @Test(arguments: ["hello", "GETX", "get / HTTP/1.1", "\u{16}\u{03}\u{01}", "PATCHY"])
        func anythingElseIsRaw(first: String) throws {
            let (channel, detected, received) = try Self.makeSniffingChannel()
            try channel.writeInbound(ByteBuffer(string: first))
            #expect(detected.values == [.raw])
            #expect(received.reads == [ByteBuffer(string: first)])
            #expect(Self.snifferIsGone(channel))
        }

        @Test func binaryBytesPassIntact() throws {
            let (channel, detected, received) = try Self.makeSniffingChannel()
            let bytes: [UInt8] = [0xFF, 0x00, 0x47, 0x45, 0x54, 0x20, 0xC0]
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            #expect(detected.values == [.raw])
            #expect(received.reads == [ByteBuffer(bytes: bytes)])
        }

        @Test func aMethodSplitAcrossReadsIsStillHTTP() throws {
            let (channel, detected, received) = try Self.makeSniffingChannel()
            try channel.writeInbound(ByteBuffer(string: "GE"))
            #expect(detected.values == [])
            #expect(received.reads == [])
            try channel.writeInbound(ByteBuffer(string: "T /"))
            #expect(detected.values == [.http])
            // Both reads, in one buffer, in order.
            #expect(received.reads == [ByteBuffer(string: "GET /")])
            #expect(Self.snifferIsGone(channel))
            // Later reads go straight through.
            try channel.writeInbound(ByteBuffer(string: " HTTP/1.1\r\n"))
            #expect(received.reads.last == ByteBuffer(string: " HTTP/1.1\r\n"))
            #expect(detected.values == [.http])
        }

        @Test func oneByteAtATime() throws {
            let (channel, detected, received) = try Self.makeSniffingChannel()
            for byte in "OPTIONS".utf8 {
                try channel.writeInbound(ByteBuffer(bytes: [byte]))
                #expect(detected.values == [])
            }
            try channel.writeInbound(ByteBuffer(string: " "))
            #expect(detected.values == [.http])
            #expect(received.reads == [ByteBuffer(string: "OPTIONS ")])
        }

        @Test func theEndOfInputWithAPrefixIsRaw() throws {
            let (channel, detected, received) = try Self.makeSniffingChannel()
            try channel.writeInbound(ByteBuffer(string: "GE"))
            #expect(detected.values == [])
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            #expect(detected.values == [.raw])
            #expect(received.reads == [ByteBuffer(string: "GE")])
            // The end of input reaches the raw handler after the bytes, so an echo can finish its half-close.
            #expect(received.inputClosed == 1)
            #expect(received.events == ["read", "inputClosed"])
            #expect(Self.snifferIsGone(channel))
        }

        @Test func theEndOfInputBeforeAnyByteDecidesNothing() throws {
            let (channel, detected, received) = try Self.makeSniffingChannel()
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            #expect(detected.values == [])
            #expect(received.reads == [])
        }

        @Test func aFailingDecisionClosesTheConnection() throws {
            struct Refused: Error {}
            let channel = EmbeddedChannel(handler: ProtocolSniffingHandler { _, _ in throw Refused() })
            try channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 40_000)).wait()
            #expect(throws: Refused.self) { try channel.writeInbound(ByteBuffer(string: "hello")) }
            #expect(!channel.isActive)
        }

        // MARK: - WebSocketServerPolicy

        private static func upgradeRequest(
            uri: String = "/",
            method: HTTPMethod = .GET,
            removing: [String] = [],
            adding: [(String, String)] = []
        ) -> HTTPRequestHead {
            var headers = HTTPHeaders([
                ("Host", "127.0.0.1:8080"),
                ("Upgrade", "websocket"),
                ("Connection", "Upgrade"),
                ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                ("Sec-WebSocket-Version", "13"),
            ])
            for name in removing {
                headers.remove(name: name)
            }
            for (name, value) in adding {
                headers.replaceOrAdd(name: name, value: value)
            }
            return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
        }

        @Test func aValidUpgradeIsAccepted() {
            #expect(WebSocketServerPolicy().check(Self.upgradeRequest()) == nil)
            #expect(WebSocketServerPolicy().check(Self.upgradeRequest(uri: "/any/path?x=1")) == nil)
            // Header values are compared without regard to case, as browsers send "Upgrade: WebSocket".
            #expect(WebSocketServerPolicy().check(Self.upgradeRequest(adding: [("Upgrade", "WebSocket")])) == nil)
        }

        @Test func anotherPathIs404() {
            let policy = WebSocketServerPolicy(path: "/game")
            #expect(policy.check(Self.upgradeRequest(uri: "/game")) == nil)
            #expect(policy.check(Self.upgradeRequest(uri: "/game?token=abc")) == nil)
            #expect(policy.check(Self.upgradeRequest(uri: "/other")) == .wrongPath)
            #expect(policy.check(Self.upgradeRequest(uri: "/game/")) == .wrongPath)
            #expect(policy.check(Self.upgradeRequest(uri: "/")) == .wrongPath)
            #expect(WebSocketServerPolicy.Rejection.wrongPath.status == .notFound)
        }

        @Test func anOriginOutsideTheAllowListIs403() {
            var policy = WebSocketServerPolicy()
            policy.allowedOrigins = ["https://game.example", "https://admin.example"]
            #expect(policy.check(Self.upgradeRequest(adding: [("Origin", "https://game.example")])) == nil)
            #expect(policy.check(Self.upgradeRequest(adding: [("Origin", "https://admin.example")])) == nil)
            #expect(policy.check(Self.upgradeRequest(adding: [("Origin", "https://evil.example")])) == .forbiddenOrigin)
            #expect(policy.check(Self.upgradeRequest()) == .forbiddenOrigin)
            #expect(WebSocketServerPolicy.Rejection.forbiddenOrigin.status == .forbidden)
        }

        @Test func plainHTTPOrAnotherVersionIs426() {
            let policy = WebSocketServerPolicy()
            let plain = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["Host": "x"])
            #expect(policy.check(plain) == .upgradeRequired)
            #expect(policy.check(Self.upgradeRequest(adding: [("Upgrade", "h2c")])) == .upgradeRequired)
            #expect(policy.check(Self.upgradeRequest(adding: [("Sec-WebSocket-Version", "8")])) == .upgradeRequired)
            #expect(policy.check(Self.upgradeRequest(removing: ["Sec-WebSocket-Version"])) == .upgradeRequired)
            #expect(WebSocketServerPolicy.Rejection.upgradeRequired.status == .upgradeRequired)
        }

        @Test func aMalformedUpgradeIs400() {
            let policy = WebSocketServerPolicy()
            let post = policy.check(Self.upgradeRequest(method: .POST))
            #expect(post == .badRequest("a WebSocket upgrade must be a GET request"))
            #expect(
                policy.check(Self.upgradeRequest(removing: ["Sec-WebSocket-Key"]))
                    == .badRequest("missing Sec-WebSocket-Key")
            )
            #expect(
                policy.check(Self.upgradeRequest(adding: [("Sec-WebSocket-Key", "")]))
                    == .badRequest("missing Sec-WebSocket-Key")
            )
            #expect(post?.status == .badRequest)
        }

        @Test func theChecksComeInOrder() {
            var policy = WebSocketServerPolicy(path: "/game")
            policy.allowedOrigins = ["https://game.example"]
            // The path first, then the origin, then the upgrade itself.
            let plainElsewhere = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/x", headers: [:])
            #expect(policy.check(plainElsewhere) == .wrongPath)
            let plainHere = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/game", headers: [:])
            #expect(policy.check(plainHere) == .forbiddenOrigin)
        }

        @Test func anUnreachableTargetIs502() {
            #expect(WebSocketServerPolicy.Rejection.targetUnavailable("connection refused").status == .badGateway)
            #expect(
                WebSocketServerPolicy.Rejection.targetUnavailable("connection refused").reason == "connection refused"
            )
        }

        @Test func theServersPreferredSubprotocolIsChosen() {
            var policy = WebSocketServerPolicy()
            policy.subprotocols = ["game.v2", "game.v1"]
            let both = Self.upgradeRequest(adding: [("Sec-WebSocket-Protocol", "game.v1, game.v2")])
            #expect(policy.negotiatedSubprotocol(both) == "game.v2")
            let old = Self.upgradeRequest(adding: [("Sec-WebSocket-Protocol", "game.v1")])
            #expect(policy.negotiatedSubprotocol(old) == "game.v1")
            let other = Self.upgradeRequest(adding: [("Sec-WebSocket-Protocol", "chat")])
            #expect(policy.negotiatedSubprotocol(other) == nil)
            #expect(policy.negotiatedSubprotocol(Self.upgradeRequest()) == nil)
        }

        // MARK: - WebSocketRejectionHandler

        /// Sends `head` through a rejection handler and returns the response head and body it answered with.
        private static func reject(
            _ head: HTTPRequestHead,
            policy: WebSocketServerPolicy,
            explain: @escaping @Sendable (HTTPRequestHead) -> WebSocketServerPolicy.Rejection? = { _ in nil }
        ) throws -> (head: HTTPResponseHead, body: String, closed: Bool) {
            let channel = EmbeddedChannel(handler: WebSocketRejectionHandler(policy: policy, explain: explain))
            try channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 40_000)).wait()
            try channel.writeInbound(HTTPServerRequestPart.head(head))
            try channel.writeInbound(HTTPServerRequestPart.end(nil))
            guard case .head(let response) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
                throw RejectionFailure()
            }
            var body = ""
            while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
                if case .body(.byteBuffer(let buffer)) = part {
                    body += String(buffer: buffer)
                }
            }
            return (response, body, !channel.isActive)
        }

        private struct RejectionFailure: Error {}

        @Test func plainHTTPIsAnswered426WithTheUpgradeHeaders() throws {
            let plain = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["Host": "x"])
            let (head, body, closed) = try Self.reject(plain, policy: WebSocketServerPolicy())
            #expect(head.status == .upgradeRequired)
            #expect(head.headers.first(name: "Upgrade") == "websocket")
            #expect(head.headers.first(name: "Sec-WebSocket-Version") == "13")
            #expect(head.headers.first(name: "Connection") == "close")
            #expect(head.headers.first(name: "Content-Length") == String(body.utf8.count))
            #expect(body == "this endpoint speaks WebSocket (version 13) only\n")
            #expect(closed)
        }

        @Test func eachRejectionIsAnsweredWithItsStatus() throws {
            var policy = WebSocketServerPolicy(path: "/game")
            policy.allowedOrigins = ["https://game.example"]
            #expect(try Self.reject(Self.upgradeRequest(uri: "/x"), policy: policy).head.status == .notFound)
            #expect(try Self.reject(Self.upgradeRequest(uri: "/game"), policy: policy).head.status == .forbidden)
            let post = Self.upgradeRequest(uri: "/game", method: .POST, adding: [("Origin", "https://game.example")])
            #expect(try Self.reject(post, policy: policy).head.status == .badRequest)
            let down = try Self.reject(Self.upgradeRequest(), policy: WebSocketServerPolicy()) { _ in
                .targetUnavailable("cannot connect to tcp://127.0.0.1:9: Connection refused")
            }
            #expect(down.head.status == .badGateway)
            #expect(down.body == "cannot connect to tcp://127.0.0.1:9: Connection refused\n")
            #expect(down.closed)
        }
    }
}

/// What a ``ProtocolSniffingHandler`` decided, in order.
private final class Detections {
    var values: [ProtocolSniffingHandler.Detected] = []
}

/// The handler a sniffing decision adds: records what reaches it.
private final class Received: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var reads: [ByteBuffer] = []
    var inputClosed = 0
    var events: [String] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.reads.append(Self.unwrapInboundIn(data))
        self.events.append("read")
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            self.inputClosed += 1
            self.events.append("inputClosed")
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension Detections: Sendable {}

@available(*, unavailable)
extension Received: Sendable {}
