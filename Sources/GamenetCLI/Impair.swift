import ArgumentParser
import GamenetCore
import GamenetRuntime
import NIOCore

extension GamenetCommand {
    /// `gamenet impair LISTEN TARGET`: a proxy that makes the link between them worse, on purpose and reproducibly.
    struct Impair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Relay UDP or TCP through a link with latency, jitter, loss, reordering and a bandwidth cap.",
            discussion: """
                A user-space clumsy or tc netem: every UDP peer (or TCP connection) on LISTEN gets its own \
                connection to TARGET, and each direction goes through a model of a bad link. Options apply to both \
                directions; --up and --down add netem-style clauses to one direction, such as \
                "delay 50ms 10ms loss 2% duplicate 1% reorder 5% 40ms corrupt 0.1% rate 1mbit".
                On TCP only delay, jitter (without reordering), rate, outages (which hold data) and the TCP faults \
                apply. Every random decision comes from --seed, which is printed at start, so a run can be replayed.
                Examples:
                  gamenet impair udp://:7777 udp://127.0.0.1:7350 --delay 50ms --jitter 10ms --loss 2%
                  gamenet impair udp://:7777 udp://127.0.0.1:7350 --preset 4g --seed 42
                  gamenet impair tcp://:8000 tcp://127.0.0.1:80 --rate 1mbit --slice 64
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Where to listen: udp://HOST:PORT or tcp://HOST:PORT.", transform: Endpoint.argument)
        var listen: Endpoint?

        @Argument(help: "Where to relay to, with the same transport as LISTEN.", transform: Endpoint.argument)
        var target: Endpoint?

        @OptionGroup(title: "Impairments") var impairment: ImpairmentOptions

        @Option(help: "Seed of every random decision; the default is a random seed, printed at start.")
        var seed: UInt64?

        @Option(help: "TCP: cut each read into writes of at most this many bytes, each delayed on its own.")
        var slice: ByteCount?

        @Option(help: "TCP: reset both connections after this many bytes have passed, either way.")
        var resetAfter: ByteCount?

        @Option(help: "TCP: reset both connections this long after they open.")
        var resetAt: Duration?

        @Option(help: "TCP: pass the end of a stream on this much later.")
        var slowClose: Duration?

        @Option(help: "Close a UDP flow after this long with no datagram either way.")
        var udpTimeout: Duration = .seconds(60)

        @Option(name: .customLong("max-conns"), help: "Most connections or UDP flows at once; more are refused.")
        var maxConnections: Int = 1024

        @Option(help: "Serve the HTTP/JSON control API on HOST:PORT (GET/PUT /settings, GET /stats, POST /reset).")
        var control: String?

        @Flag(help: "Print listening events, a line of counters every second and a summary as JSON lines on stdout.")
        var json = false

        @Flag(help: "Print the presets and exit.")
        var listPresets = false

        func validate() throws {
            if self.listPresets { return }
            guard let listen = self.listen, let target = self.target else {
                throw ValidationError("LISTEN and TARGET are required")
            }
            guard case .network(let listening) = listen, case .network(let targeting) = target else {
                throw ValidationError("impair relays network endpoints; - is not supported")
            }
            guard listening.transport == targeting.transport, [.udp, .tcp].contains(listening.transport) else {
                throw ValidationError("LISTEN and TARGET must both be udp:// or both tcp://")
            }
            do {
                _ = try self.impairment.makeSpecs()
            } catch {
                throw ValidationError(error.description)
            }
            if let slice = self.slice, slice.bytes < 1 {
                throw ValidationError("--slice must be at least 1 byte")
            }
            if let control = self.control {
                _ = try Serve.listenAddress(control)
            }
            guard self.maxConnections > 0 else {
                throw ValidationError("--max-conns must be at least 1")
            }
        }

        func run() async throws {
            if self.listPresets {
                PresetTable.print()
                return
            }
            let logger = self.global.makeLogger()
            let (up, down) = try self.impairment.makeSpecs()
            var generator = SystemRandomNumberGenerator()
            let seed = self.seed ?? generator.next()
            var shaping = ShapingConfiguration(up: up, down: down, seed: seed)
            shaping.sliceSize = self.slice?.bytes
            shaping.resetAfterBytes = self.resetAfter?.bytes
            shaping.resetAfter = self.resetAt?.timeAmount
            shaping.slowClose = self.slowClose?.timeAmount
            let shaper = LinkShaper(configuration: shaping)
            StandardOutput.printError("impair: seed \(seed) (replay with --seed \(seed))\n")
            StandardOutput.printError("impair: up   \(up)\nimpair: down \(down)\n")

            var configuration = ProxyConfiguration(listen: self.listen!, target: self.target!)
            configuration.udpTimeout = self.udpTimeout.timeAmount
            configuration.maximumConnections = self.maxConnections
            let service = try await ProxyService.start(configuration, shaper: shaper, logger: logger)
            TerminationSignals.install {
                Task { await service.shutdown() }
            }
            ListenAnnouncer.announce(service.listeningURLs, json: self.json)
            var controlServer: ShaperControlServer?
            if let control = self.control {
                let address = try Serve.listenAddress(control)
                controlServer = try await ShaperControlServer.start(
                    host: address.listeningHost,
                    port: address.port,
                    shaper: shaper,
                    logger: logger
                )
                ListenAnnouncer.announce(["http://\(controlServer!.address)"], json: self.json, what: "control")
            }
            let reporter = StatisticsReporter(shaper: shaper, json: self.json)
            let reporting = Task { await reporter.run() }
            try await service.finished.get()
            reporting.cancel()
            await controlServer?.shutdown()
            await reporter.printSummary()
        }
    }
}
