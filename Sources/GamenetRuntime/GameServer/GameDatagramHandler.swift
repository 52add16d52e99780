import GamenetCore
import Logging
import NIOCore

/// The game server's UDP port: KCP conversations (see ``KCPDatagramClassifier``) are reliable connections of the
/// game protocol; every other datagram goes to the ``GameServerHost`` as a raw datagram of a bound session.
final class GameDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let host: GameServerHost
    private let configuration: KCPConfiguration
    private let idleTimeout: TimeAmount
    private let maximumConversations: Int
    private let logger: Logger
    private var conversations: [KCPServerSession.Key: GameKCPConversation] = [:]
    private var timer: KCPTimer?

    init(
        host: GameServerHost,
        configuration: KCPConfiguration,
        idleTimeout: TimeAmount,
        maximumConversations: Int,
        logger: Logger
    ) {
        self.host = host
        self.configuration = configuration
        self.idleTimeout = idleTimeout
        self.maximumConversations = maximumConversations
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.timer = KCPTimer.shared(on: context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        for conversation in self.conversations.values {
            conversation.close()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        switch KCPDatagramClassifier.classify(envelope.data) {
        case .raw:
            self.host.receiveDatagram(envelope.data, from: envelope.remoteAddress)
        case .kcp(let conversationID, let opensConversation):
            let key = KCPServerSession.Key(peer: envelope.remoteAddress, conversation: conversationID)
            var conversation = self.conversations[key]
            if conversation == nil, opensConversation {
                conversation = self.open(key, context: context)
            }
            guard let conversation, let driver = conversation.driver else { return }
            driver.input(envelope.data, now: context.eventLoop.now)
            driver.flush(now: context.eventLoop.now)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.host.flushAfterReads()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP error for one peer (connection refused) says nothing about the others; the port stays open.
    }

    private func open(_ key: KCPServerSession.Key, context: ChannelHandlerContext) -> GameKCPConversation? {
        guard self.conversations.count < self.maximumConversations, let timer = self.timer else {
            self.logger.warning("refusing KCP conversation \(key.conversation) from \(key.peer): limit reached")
            return nil
        }
        let conversation = GameKCPConversation(key: key)
        let listener = context.channel
        let host = self.host
        let peer = key.peer
        let loopBoundConversation = NIOLoopBound(conversation, eventLoop: context.eventLoop)
        conversation.driver = KCPDriver(
            session: KCPSession(conversation: key.conversation, configuration: self.configuration),
            timer: timer,
            idleTimeout: self.idleTimeout,
            now: context.eventLoop.now,
            output: { datagram in
                listener.writeAndFlush(AddressedEnvelope(remoteAddress: peer, data: datagram), promise: nil)
            },
            deliver: { event in
                let conversation = loopBoundConversation.value
                guard let connection = conversation.connection else { return }
                switch event {
                case .message(let message):
                    host.receive(message, encoding: .binary, on: connection)
                case .endOfInput:
                    conversation.close()
                }
            },
            failed: { _ in loopBoundConversation.value.close() }
        )
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        conversation.onClose = {
            let conversation = loopBoundConversation.value
            loopBoundSelf.value.conversations.removeValue(forKey: conversation.key)
            if let connection = conversation.connection {
                host.close(connection)
            }
        }
        self.conversations[key] = conversation
        conversation.connection = self.host.open(kcp: conversation)
        return conversation
    }
}

@available(*, unavailable)
extension GameDatagramHandler: Sendable {}
