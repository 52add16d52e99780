import GamenetCore
import NIOCore

/// One KCP conversation on a shared UDP socket: its driver, and where its messages go (back to the peer for
/// `serve --echo`, or to a target connection for `proxy kcp://...`).
final class KCPServerSession {
    struct Key: Hashable {
        var peer: SocketAddress
        var conversation: UInt32
    }

    let key: Key
    var driver: KCPDriver?
    /// The relay target, when the session relays.
    var target: (any Channel)?
    /// Messages that arrived while the target was still connecting.
    var pendingMessages: [ByteBuffer] = []
    var pendingEndOfInput = false
    /// Whether the target's reads are off because too much waits for the peer.
    var targetReadsPaused = false
    var needsFlush = false
    var isClosed = false

    init(key: Key) {
        self.key = key
    }
}

@available(*, unavailable)
extension KCPServerSession: Sendable {}
