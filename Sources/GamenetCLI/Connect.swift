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
                Examples:
                  echo hello | gamenet connect tcp://127.0.0.1:7350
                  gamenet connect udp://127.0.0.1:7350 --send ping --count 1
                  gamenet connect ws://127.0.0.1:7350/ --text
                  gamenet connect "kcp://127.0.0.1:7350?mode=fast3"
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

        func validate() throws {
            try RelayOptions.validateEndpointOptions(self.url)
            guard self.url != .standardIO else {
                throw ValidationError("URL must be a network endpoint, not -")
            }
            if let count = self.count, count < 1 {
                throw ValidationError("--count must be at least 1")
            }
        }

        func run() async throws {
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
