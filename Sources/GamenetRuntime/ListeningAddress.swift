import GamenetCore
import NIOCore

/// How a bound socket is announced: `tcp://127.0.0.1:43121`, `udp://[::1]:7350`.
package enum ListeningAddress {
    /// The URL of a socket bound to `address` for `transport`.
    package static func url(transport: Transport, address: SocketAddress?, path: String = "") -> String {
        let host = address?.ipAddress ?? "?"
        let port = address?.port ?? 0
        return "\(transport.rawValue)://\(NetworkEndpoint.formatHost(host)):\(port)\(path)"
    }
}
