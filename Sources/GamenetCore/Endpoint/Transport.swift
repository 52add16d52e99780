/// A transport that an endpoint URL can name, one per URL scheme.
package enum Transport: String, Hashable, Sendable, CaseIterable {
    case tcp
    case udp
    case kcp
    case ws

    /// Whether the transport is a byte stream with no message boundaries.
    package var isByteStream: Bool {
        switch self {
        case .tcp: return true
        case .udp, .kcp, .ws: return false
        }
    }

    /// Whether the URL may carry a path (`ws://host:port/path`).
    var allowsPath: Bool {
        switch self {
        case .ws: return true
        case .tcp, .udp, .kcp: return false
        }
    }

    /// Whether the URL may carry a query of options (`kcp://host:port?mode=fast`, `ws://...?text=1`).
    var allowsQuery: Bool {
        switch self {
        case .kcp, .ws: return true
        case .tcp, .udp: return false
        }
    }
}
