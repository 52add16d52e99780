import GamenetCore
import NIOCore

/// One KCP conversation on the game server's UDP port: a reliable connection of the game protocol, one frame per
/// KCP message.
final class GameKCPConversation {
    /// How long a conversation that got its goodbye stays up, retransmitting until the peer has it.
    private static let lingerTime: TimeAmount = .seconds(2)

    let key: KCPServerSession.Key
    var driver: KCPDriver?
    /// The host's number for the conversation.
    var connection: ConnectionID?
    private(set) var isClosed = false
    /// Called once, when the conversation closes from either side.
    var onClose: () -> Void = {}

    init(key: KCPServerSession.Key) {
        self.key = key
    }

    /// Queues one frame.
    func send(_ frame: ByteBuffer) {
        try? self.driver?.send(frame)
    }

    /// Bytes queued and not yet acknowledged by the peer.
    var waitingBytes: Int { self.driver?.session.waitingBytes ?? 0 }

    /// Sends what is queued.
    func flush(now: NIODeadline) {
        self.driver?.flush(now: now)
    }

    /// Ends the conversation after what is queued: gamenet's end-of-stream marker, then a close once the peer has had
    /// time to acknowledge.
    func finish(on loop: any EventLoop) {
        guard !self.isClosed else { return }
        self.driver?.sendEndOfInput()
        self.driver?.flush(now: loop.now)
        let conversation = NIOLoopBound(self, eventLoop: loop)
        loop.scheduleTask(in: Self.lingerTime) { conversation.value.close() }
    }

    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        self.driver?.stop()
        self.onClose()
    }
}

@available(*, unavailable)
extension GameKCPConversation: Sendable {}
