import ArgumentParser
import GamenetCore
import GamenetRuntime
import NIOCore

extension GamenetCommand {
    /// `gamenet serve`: the game and relay server; today its echo mode.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a server on one port number for TCP and UDP.",
            discussion: """
                With --echo, every TCP byte, every WebSocket message (text as text, binary as binary), every KCP \
                message and every UDP datagram is sent back to where it came from, on one port number: a TCP \
                connection that starts with an HTTP request is a WebSocket upgrade, any other is raw TCP; a \
                datagram that parses as whole KCP segments (commands 81-84, lengths that fit exactly) is KCP, and \
                a new KCP conversation starts with a data segment; any other datagram is raw UDP. \
                A listening line per transport is printed on standard error (and as JSON with --json), so \
                --listen :0 can pick a free port.
                Example:
                  gamenet serve --echo --listen 127.0.0.1:0
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The address and port to bind, HOST:PORT; :0 picks a free port.", transform: Serve.listenAddress)
        var listen: NetworkEndpoint = NetworkEndpoint(transport: .tcp, host: "0.0.0.0", port: 7350)

        @Flag(help: "Echo every TCP byte and UDP datagram back to its sender.")
        var echo = false

        @Option(name: .customLong("max-conns"), help: "Most TCP connections open at once; more are closed on accept.")
        var maxConnections: Int = 10_000

        @Option(help: "Close a TCP connection that has sent nothing for this long.")
        var idleTimeout: Duration?

        @Flag(help: "Print listening events as JSON lines on standard output.")
        var json = false

        @Option(help: "Accept WebSocket upgrades on this path only (default: any path).")
        var wsPath: String?

        @Option(help: "Accept WebSocket upgrades from this Origin only; repeatable (default: any origin).")
        var wsOrigin: [String] = []

        @Option(help: "A WebSocket subprotocol the server speaks, in order of preference; repeatable.")
        var wsSubprotocol: [String] = []

        @OptionGroup(title: "WebSocket") var webSocket: WebSocketLimitOptions

        @Option(help: "How the server runs KCP conversations on its UDP port: normal, fast, fast2, fast3 or manual.")
        var kcpMode: KCPConfiguration.Mode = .fast

        @OptionGroup(title: "KCP") var kcp: KCPOptions

        func validate() throws {
            guard self.echo else {
                throw ValidationError("the game server is not available yet; use --echo for an echo server")
            }
            guard self.maxConnections > 0 else {
                throw ValidationError("--max-conns must be at least 1")
            }
        }

        func run() async throws {
            FileDescriptorLimit.raiseToHardLimit()
            var configuration = EchoServer.Configuration(host: self.listen.listeningHost, port: self.listen.port)
            configuration.maximumConnections = self.maxConnections
            configuration.idleTimeout = self.idleTimeout?.timeAmount
            configuration.webSocket = WebSocketServerPolicy(path: self.wsPath)
            configuration.webSocket.allowedOrigins = self.wsOrigin
            configuration.webSocket.subprotocols = self.wsSubprotocol
            configuration.webSocket.configuration = self.webSocket.configuration
            configuration.kcp = KCPConfiguration.mode(self.kcpMode)
            configuration.kcpTimeout = self.kcp.kcpTimeout.timeAmount
            let logger = self.global.makeLogger()
            let server = try await EchoServer.start(configuration, logger: logger)
            TerminationSignals.install {
                Task { await server.shutdown() }
            }
            ListenAnnouncer.announce(server.listeningURLs, json: self.json)
            try await server.closed.get()
        }

        /// Parses `HOST:PORT`, `:PORT` or `[IPV6]:PORT` with the endpoint grammar.
        static func listenAddress(_ text: String) throws -> NetworkEndpoint {
            guard !text.contains("://") else {
                throw ValidationError(
                    "bad address '\(text)': expected HOST:PORT without a scheme, such as 0.0.0.0:7350"
                )
            }
            do {
                return try NetworkEndpoint(parsing: "tcp://" + text)
            } catch {
                throw ValidationError("bad address '\(text)': \(error.reason)")
            }
        }
    }
}
