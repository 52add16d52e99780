import NIOCore

/// One peer of a UDP listener and its connection to the target.
final class UDPFlow {
    enum State {
        /// The target connection is being made; datagrams wait here.
        case connecting([ByteBuffer])
        /// Datagrams go to the target channel.
        case open(any Channel)
        /// The flow has ended; a new datagram from the peer starts a new flow.
        case closed
    }

    let peer: SocketAddress
    var state: State = .connecting([])
    /// When a datagram last went through the flow, either way.
    var lastActivity: NIODeadline
    /// Whether the flow is in the dispatcher's list of flows to flush.
    var needsFlush = false
    /// The flow's impairments, when the relay shapes traffic (`impair`).
    var shaping: ShapedDatagramFlow?

    init(peer: SocketAddress, now: NIODeadline) {
        self.peer = peer
        self.lastActivity = now
    }

    /// Closes the flow's target connection, if any.
    func close() {
        if case .open(let channel) = self.state {
            channel.close(promise: nil)
        }
        self.state = .closed
        self.shaping?.close()
        self.shaping = nil
    }
}

@available(*, unavailable)
extension UDPFlow: Sendable {}
