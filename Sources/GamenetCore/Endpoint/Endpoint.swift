/// Where a command listens or what it connects to, written as a URL.
///
/// The grammar is the one every gamenet command shares:
/// `tcp://HOST:PORT`, `udp://HOST:PORT`, `kcp://HOST:PORT?mode=fast`, `ws://HOST:PORT/PATH` and `-` for standard
/// input and output. Whether an endpoint listens or connects is decided by the position of the argument, not by
/// the URL, so `tcp://:7000` (no host) is only meaningful where a command listens.
package enum Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// A socket address given as a host and a port, with the transport that runs over it.
    case network(NetworkEndpoint)
    /// The process's standard input and output.
    case standardIO

    /// Parses an endpoint URL.
    ///
    /// - Throws: ``EndpointParseError`` naming the part of the text that is wrong.
    package init(parsing text: String) throws(EndpointParseError) {
        if text == "-" {
            self = .standardIO
            return
        }
        self = .network(try NetworkEndpoint(parsing: text))
    }

    package var description: String {
        switch self {
        case .network(let endpoint): return endpoint.description
        case .standardIO: return "-"
        }
    }

    /// The transport behind this endpoint, or `nil` for standard input and output.
    package var transport: Transport? {
        switch self {
        case .network(let endpoint): return endpoint.transport
        case .standardIO: return nil
        }
    }

    /// Whether this endpoint's output can end on its own while its input goes on: byte streams, and KCP, which
    /// carries an end-of-stream marker.
    package var canHalfClose: Bool {
        self.isByteStream || self.transport == .kcp
    }

    /// Whether this endpoint carries a byte stream (TCP, standard I/O) rather than separate messages.
    package var isByteStream: Bool {
        switch self {
        case .network(let endpoint): return endpoint.transport.isByteStream
        case .standardIO: return true
        }
    }
}
