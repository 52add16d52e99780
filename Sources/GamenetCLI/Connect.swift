import ArgumentParser
import GamenetCore
import GamenetRuntime

extension GamenetCommand {
    /// `gamenet connect URL`: standard input to the peer, the peer to standard output.
    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect to a peer: standard input goes to it, what it sends goes to standard output.",
            discussion: """
                A netcat for TCP, UDP, KCP and WebSocket. On a message transport each line of input is one \
                message and each message received is printed as one line (--framing lines, the default for \
                message transports). The command exits 0 when input has ended and the peer has closed; on UDP \
                and KCP, which may have no end of stream, it exits once nothing has arrived for --wait after \
                input ended.
                With --room it is a client of the game server (`gamenet serve`): it joins the room, prints what \
                happens there as lines ([lobby] alice: hello) or JSON lines (--json), broadcasts each line of \
                input to the room, and when its connection drops it connects again and resumes its session, \
                getting every message it missed (unless --no-resume). A line "/rtt" prints the round-trip time \
                to the server (over UDP too when bound); "//" starts a message with "/". With --udp it binds a \
                UDP socket to the session and broadcasts over it. Input's end says goodbye and exits 0.
                Examples:
                  echo hello | gamenet connect tcp://127.0.0.1:7350
                  gamenet connect udp://127.0.0.1:7350 --send ping --count 1
                  gamenet connect ws://127.0.0.1:7350/ --text
                  gamenet connect "kcp://127.0.0.1:7350?mode=fast3"
                  gamenet connect tcp://127.0.0.1:7350 --room lobby --name alice
                  gamenet connect ws://127.0.0.1:7350/ --room lobby --udp
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(
            help: "The peer: tcp://HOST:PORT, udp://HOST:PORT, kcp://HOST:PORT or ws://HOST:PORT/PATH.",
            transform: Endpoint.argument
        )
        var url: Endpoint

        @OptionGroup var relay: RelayOptions

        @OptionGroup(title: "WebSocket") var webSocket: WebSocketOptions

        @OptionGroup(title: "KCP") var kcp: KCPOptions

        @Option(help: "Send this text instead of reading standard input, then end input.")
        var send: String?

        @Option(
            help:
                "Exit after this many messages from the peer (datagrams, lines or frames with --framing, reads on a raw stream)."
        )
        var count: Int?

        @Flag(help: "Send every message received back to the peer instead of printing it (for testing servers).")
        var echo = false

        @Option(help: "Join this room of a gamenet game server and chat in it (game client mode).")
        var room: String?

        @Option(help: "The room's namespace, with --room.")
        var namespace: String = "/"

        @Option(help: "The display name other members see, with --room.")
        var name: String?

        @Flag(help: "With --room, print each message from the server as a JSON line (the protocol's JSON form).")
        var json = false

        @Option(help: "With --room, the transport to the game server: tcp, ws or kcp (default: the URL's scheme).")
        var transport: GameTransport?

        @Flag(help: "With --room, exit when the connection drops instead of reconnecting and resuming the session.")
        var noResume = false

        @Flag(
            help: """
                With --room, bind a UDP socket to the session and broadcast each line over it (the unreliable channel); \
                without an answer from the server it falls back to the reliable connection.
                """
        )
        var udp = false

        /// A transport the game client speaks.
        enum GameTransport: String, ExpressibleByArgument, CaseIterable {
            case tcp
            case ws
            case kcp
        }

        func validate() throws {
            try RelayOptions.validateEndpointOptions(self.url)
            guard self.url != .standardIO else {
                throw ValidationError("URL must be a network endpoint, not -")
            }
            if let count = self.count, count < 1 {
                throw ValidationError("--count must be at least 1")
            }
            if let room = self.room {
                guard !room.isEmpty, !self.namespace.isEmpty else {
                    throw ValidationError("--room and --namespace must not be empty")
                }
                guard case .network(let network) = self.url, network.transport != .udp || self.transport != nil else {
                    throw ValidationError("--room needs a tcp://, ws:// or kcp:// URL, or --transport")
                }
            } else if self.json || self.transport != nil || self.noResume || self.name != nil || self.udp {
                throw ValidationError("--json, --transport, --name, --no-resume and --udp go with --room")
            }
        }

        func run() async throws {
            if let room = self.room, case .network(var endpoint) = self.url {
                switch self.transport {
                case .tcp: endpoint.transport = .tcp
                case .ws: endpoint.transport = .ws
                case .kcp: endpoint.transport = .kcp
                case nil: break
                }
                if endpoint.transport == .ws, endpoint.path.isEmpty {
                    endpoint.path = "/"
                }
                var configuration = GameClient.Configuration(endpoint: endpoint, room: room)
                configuration.namespace = self.namespace
                configuration.name = self.name
                configuration.printsJSON = self.json
                configuration.resumes = !self.noResume
                configuration.bindsUDP = self.udp
                if let send = self.send {
                    configuration.input = .bytes(Array(send.utf8))
                }
                let client = GameClient(configuration, logger: self.global.makeLogger()) { line in
                    StandardOutput.printLine(line)
                }
                try await client.run()
                return
            }
            var configuration = self.relay.makeConfiguration(listen: .standardIO, target: self.url)
            // A terminal user types lines; each becomes one datagram, and each datagram prints as one line.
            configuration.framing = self.relay.framing ?? (self.url.isByteStream ? nil : .lines)
            configuration.framesStreams = self.relay.framing != nil
            configuration.messageLimit = self.count
            configuration.webSocketClient = self.webSocket.clientOptions
            configuration.kcpTimeout = self.kcp.kcpTimeout.timeAmount
            configuration.echoesTarget = self.echo
            configuration.webSocketClient.configuration.echoesMessages = self.echo
            // Any KCP peer may be on the other end, most without gamenet's end-of-stream marker: wait for quiet.
            configuration.kcpCarriesEndOfStream = false
            if let send = self.send {
                configuration.standardInput = .bytes(Array(send.utf8))
            }
            try await RelayRunner.run(configuration, json: false, logger: self.global.makeLogger())
        }
    }
}
