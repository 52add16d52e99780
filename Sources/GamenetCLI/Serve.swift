import ArgumentParser
import GamenetCore
import GamenetRuntime
import Logging
import NIOCore

extension GamenetCommand {
    /// `gamenet serve`: the game server, or with `--echo` an echo server.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a server on one port number for TCP and UDP.",
            discussion: """
                Without --echo this is the game server of the gamenet protocol (see the GameProtocol article): \
                on TCP a connection that starts with a length prefix speaks the gamenet stream protocol, an HTTP \
                request is a WebSocket upgrade (binary messages carry the binary codec, text messages the JSON \
                form) or GET /metrics (Prometheus text) or GET /status (JSON); on UDP the same port number serves \
                KCP conversations of the game protocol and the raw datagrams of bound sessions. On SIGTERM or \
                SIGINT it stops accepting, sends every client a goodbye (serverShutdown), gives them --drain to \
                read it, closes and exits 0. The effective configuration is logged at start at the info level (-v).
                With --echo, every TCP byte, every WebSocket message (text as text, binary as binary), every KCP \
                message and every UDP datagram is sent back to where it came from, on one port number: a TCP \
                connection that starts with an HTTP request is a WebSocket upgrade, any other is raw TCP; a \
                datagram that parses as whole KCP segments (commands 81-84, lengths that fit exactly) is KCP, and \
                a new KCP conversation starts with a data segment; any other datagram is raw UDP. \
                A listening line per transport is printed on standard error (and as JSON with --json), so \
                --listen :0 can pick a free port.
                Examples:
                  gamenet serve --listen 127.0.0.1:7350 -v
                  gamenet serve --echo --listen 127.0.0.1:0
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The address and port to bind, HOST:PORT; :0 picks a free port.", transform: Serve.listenAddress)
        var listen: NetworkEndpoint = NetworkEndpoint(transport: .tcp, host: "0.0.0.0", port: 7350)

        @Flag(help: "Echo every TCP byte and UDP datagram back to its sender.")
        var echo = false

        @Option(
            name: .customLong("max-conns"),
            help: "Most TCP connections open at once (default 10000); more are closed on accept. The game server also holds at most this many sessions."
        )
        var maxConnections: Int?

        @Option(
            help: "Echo: close a TCP connection that has sent nothing for this long. Game server: end a session that has sent nothing but heartbeats for this long (default 10m; 0s for never)."
        )
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

        @OptionGroup(title: "Game server") var game: GameServerOptions

        func validate() throws {
            if let maxConnections, maxConnections < 1 {
                throw ValidationError("--max-conns must be at least 1")
            }
            for (name, value) in [
                ("--rate", self.game.rate), ("--max-rooms", self.game.maxRooms), ("--max-room-size", self.game.maxRoomSize),
            ] {
                if let value, value < 1 {
                    throw ValidationError("\(name) must be at least 1")
                }
            }
            if let size = self.game.maxMessageSize, size.bytes < 64 || size.bytes > Int(UInt32.max) {
                throw ValidationError("--max-game-message-size must be between 64 bytes and 4GiB")
            }
            if let heartbeat = self.game.heartbeat, heartbeat <= .zero {
                throw ValidationError("--heartbeat must be longer than 0s")
            }
        }

        func run() async throws {
            FileDescriptorLimit.raiseToHardLimit()
            guard self.echo else {
                try await self.runGameServer()
                return
            }
            var configuration = EchoServer.Configuration(host: self.listen.listeningHost, port: self.listen.port)
            configuration.maximumConnections = self.maxConnections ?? 10_000
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

        private func runGameServer() async throws {
            var settings = GameServerSettings()
            settings.idleTimeout = self.idleTimeout
            settings.maxConnections = self.maxConnections
            settings = self.game.settings.over(settings).over(try self.game.loadFile())
            var configuration = GameService.Configuration(host: self.listen.listeningHost, port: self.listen.port)
            configuration.webSocket = WebSocketServerPolicy(path: self.wsPath)
            configuration.webSocket.allowedOrigins = self.wsOrigin
            configuration.webSocket.subprotocols = self.wsSubprotocol
            configuration.webSocket.configuration = self.webSocket.configuration
            configuration.kcp = KCPConfiguration.mode(self.kcpMode)
            configuration.kcpTimeout = self.kcp.kcpTimeout.timeAmount
            settings.apply(to: &configuration)
            let drain = settings.drain ?? .seconds(5)
            let logger = self.global.makeLogger()
            logger.info("game server: \(GameServerSettings.describe(configuration, drain: drain))")
            let service = try await GameService.start(configuration, logger: logger)
            TerminationSignals.install {
                Task { await service.shutdown(drain: drain.timeAmount) }
            }
            ListenAnnouncer.announce(service.listeningURLs, json: self.json)
            try await service.closed.get()
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
