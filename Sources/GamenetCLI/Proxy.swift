import ArgumentParser
import GamenetCore
import GamenetRuntime
import NIOCore

extension GamenetCommand {
    /// `gamenet proxy LISTEN TARGET`: relays every connection accepted on LISTEN to its own connection to TARGET.
    struct Proxy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Relay every connection on LISTEN to its own connection to TARGET.",
            discussion: """
                Each TCP connection, or each UDP peer address, accepted on LISTEN gets its own connection to \
                TARGET. With - as LISTEN, standard input and output are relayed to TARGET (like socat - TCP:...); \
                with - as TARGET, one TCP connection is accepted and relayed to standard I/O.
                A byte stream (TCP, standard I/O) meeting a message transport (UDP) is cut into messages by \
                --framing. The end of one side's input is passed on as a half-close; the relay ends when both \
                directions are done. A slow reader on one side slows reads on the other, so memory stays bounded.
                Examples:
                  gamenet proxy tcp://:9000 tcp://127.0.0.1:22
                  gamenet proxy udp://:7777 udp://127.0.0.1:7350
                  gamenet proxy - tcp://127.0.0.1:7350
                  gamenet proxy tcp://:9000 udp://127.0.0.1:7350 --framing len16
                  gamenet proxy ws://:8080 tcp://127.0.0.1:5900          (websockify)
                  gamenet proxy tcp://:9000 "kcp://127.0.0.1:4000?mode=fast3" (TCP over KCP, one conversation
                  gamenet proxy "kcp://:4000?mode=fast3" tcp://127.0.0.1:22  per connection, EOF carried)
                  gamenet proxy - ws://127.0.0.1:7350/ --text --framing lines  (websocat)
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(
            help: "Where to listen: tcp://, udp://, kcp://, ws://HOST:PORT/PATH, or - for standard I/O.",
            transform: Endpoint.argument
        )
        var listen: Endpoint

        @Argument(
            help: "Where to relay to: tcp://, udp://, kcp://, ws://HOST:PORT/PATH, or - for standard I/O.",
            transform: Endpoint.argument
        )
        var target: Endpoint

        @OptionGroup var relay: RelayOptions

        @OptionGroup(title: "WebSocket") var webSocket: WebSocketOptions

        @OptionGroup(title: "KCP") var kcp: KCPOptions

        @Option(help: "Close a UDP flow after this long with no datagram either way.")
        var udpTimeout: Duration = .seconds(60)

        @Option(
            name: .customLong("max-conns"),
            help: "Most connections or UDP flows relayed at once; more are refused."
        )
        var maxConnections: Int = 1024

        @Flag(help: "Print listening events as JSON lines on standard output.")
        var json = false

        func validate() throws {
            try RelayOptions.validateEndpointOptions(self.listen, self.target)
            guard self.maxConnections > 0 else {
                throw ValidationError("--max-conns must be at least 1")
            }
            guard self.udpTimeout > .zero else {
                throw ValidationError("--udp-timeout must be longer than 0")
            }
            if self.listen == .standardIO, self.target == .standardIO {
                throw ValidationError("LISTEN and TARGET cannot both be -")
            }
        }

        func run() async throws {
            var configuration = self.relay.makeConfiguration(listen: self.listen, target: self.target)
            configuration.udpTimeout = self.udpTimeout.timeAmount
            configuration.maximumConnections = self.maxConnections
            configuration.webSocketClient = self.webSocket.clientOptions
            configuration.kcpTimeout = self.kcp.kcpTimeout.timeAmount
            configuration.webSocketServer.configuration = self.webSocket.limits.configuration
            try await RelayRunner.run(configuration, json: self.json, logger: self.global.makeLogger())
        }
    }
}
