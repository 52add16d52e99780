import NIOHTTP1

/// Which upgrade requests a WebSocket server accepts: the path, the allowed origins and the subprotocols it speaks.
package struct WebSocketServerPolicy: Hashable, Sendable {
    /// The path to accept, or `nil` for any.
    package var path: String?
    /// The `Origin` values allowed; empty allows any (browsers send one, other clients usually none).
    package var allowedOrigins: [String] = []
    /// The subprotocols the server speaks, in order of preference; the first the client also offers is chosen.
    package var subprotocols: [String] = []
    /// The largest message, used as the largest frame too.
    package var configuration = WebSocketConfiguration()

    package init(path: String? = nil) {
        self.path = path
    }

    /// Why an HTTP request on the WebSocket port is not upgraded, with the HTTP status to answer.
    package enum Rejection: Hashable, Sendable {
        /// 404: another path.
        case wrongPath
        /// 403: an origin outside the allow-list.
        case forbiddenOrigin
        /// 426: a plain HTTP request, or a WebSocket version other than 13 (RFC 6455 §4.4).
        case upgradeRequired
        /// 400: an upgrade request missing what RFC 6455 §4.2.1 requires.
        case badRequest(String)
        /// 502: the relay's target could not be reached (`proxy ws://... TARGET`).
        case targetUnavailable(String)

        package var status: HTTPResponseStatus {
            switch self {
            case .wrongPath: return .notFound
            case .forbiddenOrigin: return .forbidden
            case .upgradeRequired: return .upgradeRequired
            case .badRequest: return .badRequest
            case .targetUnavailable: return .badGateway
            }
        }

        package var reason: String {
            switch self {
            case .wrongPath: return "no WebSocket endpoint at this path"
            case .forbiddenOrigin: return "origin not allowed"
            case .upgradeRequired: return "this endpoint speaks WebSocket (version 13) only"
            case .badRequest(let reason): return reason
            case .targetUnavailable(let reason): return reason
            }
        }
    }

    /// Checks a request; `nil` means it is a valid upgrade this server accepts.
    package func check(_ head: HTTPRequestHead) -> Rejection? {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        if let expected = self.path, path != expected {
            return .wrongPath
        }
        if !self.allowedOrigins.isEmpty {
            guard let origin = head.headers.first(name: "Origin"), self.allowedOrigins.contains(origin) else {
                return .forbiddenOrigin
            }
        }
        let upgrade = head.headers[canonicalForm: "Upgrade"].map { $0.lowercased() }
        guard upgrade.contains("websocket") else { return .upgradeRequired }
        guard head.method == .GET else { return .badRequest("a WebSocket upgrade must be a GET request") }
        guard head.headers.first(name: "Sec-WebSocket-Version") == "13" else { return .upgradeRequired }
        guard let key = head.headers.first(name: "Sec-WebSocket-Key"), !key.isEmpty else {
            return .badRequest("missing Sec-WebSocket-Key")
        }
        return nil
    }

    /// The subprotocol to answer with, if the client offers one the server speaks.
    package func negotiatedSubprotocol(_ head: HTTPRequestHead) -> String? {
        let offered = head.headers[canonicalForm: "Sec-WebSocket-Protocol"].map { String($0) }
        return self.subprotocols.first { offered.contains($0) }
    }
}
