import ArgumentParser
import GamenetCore
import GamenetRuntime

/// WebSocket options of the commands that open `ws://` endpoints (`connect`, `proxy`).
struct WebSocketOptions: ParsableArguments {
    @Option(
        name: [.customShort("H"), .customLong("header")],
        help: "Add a header to the WebSocket upgrade request, 'Name: value'; repeatable."
    )
    var headers: [String] = []

    @Option(help: "Offer this WebSocket subprotocol; repeatable.")
    var subprotocol: [String] = []

    @Option(help: "The Origin header of the WebSocket upgrade request.")
    var origin: String?

    @Flag(help: "Send WebSocket text frames instead of binary ones.")
    var text = false

    @Option(help: "Give up on a WebSocket handshake that takes longer than this.")
    var handshakeTimeout: Duration = .seconds(10)

    @OptionGroup var limits: WebSocketLimitOptions

    func validate() throws {
        for header in self.headers {
            guard let colon = header.firstIndex(of: ":"),
                header[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
                colon != header.startIndex
            else {
                throw ValidationError("bad header '\(header)', expected 'Name: value'")
            }
        }
    }

    /// The client options these flags stand for.
    var clientOptions: WebSocketClientOptions {
        var options = WebSocketClientOptions()
        options.headers = self.headers.map { header in
            let colon = header.firstIndex(of: ":")!
            let value = header[header.index(after: colon)...].drop(while: { $0 == " " })
            return (String(header[..<colon]), String(value))
        }
        options.subprotocols = self.subprotocol
        options.origin = self.origin
        options.sendsText = self.text
        options.handshakeTimeout = self.handshakeTimeout.timeAmount
        options.configuration = self.limits.configuration
        return options
    }
}

/// Limits and liveness of a WebSocket connection, for servers and clients alike.
struct WebSocketLimitOptions: ParsableArguments {
    @Option(help: "Largest WebSocket message accepted; a larger one closes the connection with 1009.")
    var maxMessageSize: ByteCount = ByteCount(bytes: 16 * 1024 * 1024)

    @Option(help: "Ping a WebSocket peer that has been quiet this long.")
    var pingInterval: Duration?

    @Option(help: "Close a WebSocket connection whose peer does not answer a ping within this long.")
    var pingTimeout: Duration = .seconds(10)

    var configuration: WebSocketConfiguration {
        var configuration = WebSocketConfiguration()
        configuration.maximumMessageSize = self.maxMessageSize.bytes
        configuration.pingInterval = self.pingInterval?.timeAmount
        configuration.pingTimeout = self.pingTimeout.timeAmount
        return configuration
    }
}
