import GamenetCore
import NIOCore

/// Connects a TCP or WebSocket connection to the ``GameServerHost``: each message it reads goes to the server in
/// the encoding it arrived in.
///
/// On TCP it sits behind a ``GameStreamFrameDecoder`` and reads messages without their length prefix, all binary
/// (``stream(host:)``); on WebSocket it reads messages, binary ones carrying the binary codec and text ones the JSON
/// form (``webSocket(host:)``).
final class GameConnectionHandler<Message>: ChannelInboundHandler {
    typealias InboundIn = Message

    private let host: GameServerHost
    private let transport: GameServerHost.Transport
    private let payload: (Message) -> (bytes: ByteBuffer, encoding: GameEncoding)
    private var connection: ConnectionID?

    private init(
        host: GameServerHost,
        transport: GameServerHost.Transport,
        payload: @escaping (Message) -> (bytes: ByteBuffer, encoding: GameEncoding)
    ) {
        self.host = host
        self.transport = transport
        self.payload = payload
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The sniffer (or the upgrade) adds this handler once the first bytes are in: the channel is already active.
        self.connection = self.host.open(context.channel, transport: self.transport)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.receive(Self.unwrapInboundIn(data))
    }

    /// One message from the client.
    func receive(_ message: Message) {
        guard let connection = self.connection else { return }
        let (bytes, encoding) = self.payload(message)
        self.host.receive(bytes, encoding: encoding, on: connection)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.host.flushAfterReads()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection = self.connection {
            self.connection = nil
            self.host.close(connection)
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let connection = self.connection {
            self.host.writabilityChanged(connection)
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // A client that stops sending is gone; the session waits for a resume.
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let connection = self.connection, let error = error as? GameProtocolError {
            // The stream decoder stops at a bad length prefix; the server sends its goodbye and asks for the close.
            self.host.fail(connection, error: error)
        } else {
            context.close(promise: nil)
        }
    }
}

extension GameConnectionHandler where Message == ByteBuffer {
    /// The handler of a TCP connection speaking the gamenet stream protocol.
    static func stream(host: GameServerHost) -> GameConnectionHandler<ByteBuffer> {
        GameConnectionHandler(host: host, transport: .tcp) { ($0, .binary) }
    }
}

extension GameConnectionHandler where Message == WebSocketMessage {
    /// The handler of an upgraded WebSocket connection.
    static func webSocket(host: GameServerHost) -> GameConnectionHandler<WebSocketMessage> {
        GameConnectionHandler(host: host, transport: .webSocket) { ($0.data, $0.isText ? .json : .binary) }
    }

    /// Adds a WebSocket connection's handler behind its ``WebSocketHandler``, which hands it every message directly.
    static func addWebSocket(host: GameServerHost, to pipeline: ChannelPipeline.SynchronousOperations) throws {
        let handler = Self.webSocket(host: host)
        try pipeline.addHandler(handler)
        // The WebSocket handler drops the closure when it is removed with the rest of the pipeline.
        try pipeline.handler(type: WebSocketHandler.self).messageReceiver = { handler.receive($0) }
    }
}

@available(*, unavailable)
extension GameConnectionHandler: Sendable {}
