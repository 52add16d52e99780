import GamenetCore
import NIOCore

/// Everything a running proxy needs, built by the `proxy` and `connect` commands and by tests.
package struct ProxyConfiguration: Sendable {
    /// Where connections come from: a TCP or UDP listener, or standard I/O.
    package var listen: Endpoint
    /// Where each connection is relayed to.
    package var target: Endpoint
    /// How byte streams are cut into messages where they meet a message transport, or `nil` for the default of the
    /// command (`raw` wherever a stream meets messages).
    package var framing: FramingMode?
    /// Whether `framing` also applies where two byte streams meet (`connect --framing lines tcp://...` counts lines).
    package var framesStreams = false
    /// How long a UDP flow with no datagram either way is kept.
    package var udpTimeout: TimeAmount = .seconds(60)
    /// How long a message transport stays open, after the other side ended, while messages keep coming.
    package var linger: TimeAmount = .seconds(1)
    /// How long a connection to the target may take.
    package var connectTimeout: TimeAmount = .seconds(10)
    /// The most connections (or UDP flows) relayed at once; more are refused.
    package var maximumConnections: Int = 1024
    /// Where standard input comes from, when an endpoint is `-`.
    package var standardInput: StandardIO.Input = .standardInput
    /// Stop after this many messages from the target (`connect --count N`).
    package var messageLimit: Int?
    /// Send every message from the target back to it instead of relaying it (`connect --echo`).
    package var echoesTarget = false
    /// Whether a KCP side passes the end of a stream on as gamenet's end-of-stream marker (a relay of TCP over KCP),
    /// rather than waiting for quiet like UDP (`connect`, which may face any KCP peer).
    package var kcpCarriesEndOfStream = true
    /// How long a KCP session may hear nothing from its peer before it is closed.
    package var kcpTimeout: TimeAmount = .seconds(30)
    /// How `ws://` targets are opened.
    package var webSocketClient = WebSocketClientOptions()
    /// What upgrades a `ws://` listener accepts.
    package var webSocketServer = WebSocketServerPolicy()

    package init(listen: Endpoint, target: Endpoint) {
        self.listen = listen
        self.target = target
    }

    /// The longest message framing passes on: what one UDP datagram can carry over IPv4 when UDP is involved
    /// (RFC 768 with a 20-byte IP header), 16 MiB otherwise.
    package var maximumMessageLength: Int {
        let transports = [self.listen.transport, self.target.transport]
        if transports.contains(.udp) { return 65_507 }
        // A KCP message has at most 127 fragments; 64 KiB fits every MTU of 600 bytes and more.
        if transports.contains(.kcp) { return 65_536 }
        return 16 * 1024 * 1024
    }

    /// The framing to add to a channel of `endpoint`, whose partner is `other`.
    package func framing(for endpoint: Endpoint, partner other: Endpoint) -> FramingMode? {
        guard endpoint.isByteStream else { return nil }
        if other.isByteStream {
            return self.framesStreams ? self.framing : nil
        }
        return self.framing ?? .raw
    }

    /// The relay behaviour of a channel of `endpoint`.
    package func relaySide(for endpoint: Endpoint) -> RelayHandler.Side {
        let canHalfClose = endpoint.transport == .kcp ? self.kcpCarriesEndOfStream : endpoint.canHalfClose
        return RelayHandler.Side(canHalfClose: canHalfClose, linger: self.linger)
    }
}
