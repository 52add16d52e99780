import ArgumentParser
import GamenetCore
import GamenetRuntime
import Logging
import NIOCore
import NIOPosix

extension GamenetCommand.Bench {
    /// `gamenet bench loss`: TCP, WebSocket and KCP across the same lossy, slow link.
    struct Loss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare TCP, WebSocket and KCP round trips across a lossy, slow link (needs root).",
            discussion: """
                The KCP-versus-TCP experiment: a request every --interval, each echoed, across a link with \
                --delay each way and --loss (25ms and 5% unless any impairment option is given), for TCP, \
                WebSocket and KCP in each of its modes; the mean, p99 and max round-trip time and the bytes on the \
                wire of each, and their ratios to TCP's. The link is a TUN interface in a network namespace of \
                gamenet's own, shaped by the same model as gamenet impair, so the kernel's real TCP (its \
                retransmission timers and congestion control) crosses it; that needs root.
                Example:
                  sudo gamenet bench loss --delay 25ms --loss 5% --duration 20s
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Link") var impairment: ImpairmentOptions

        @Option(help: "Seed of the link's random decisions.")
        var seed: UInt64 = 1

        @Option(help: "Time between requests on each connection.")
        var interval: Duration = .milliseconds(20)

        @Option(help: "How long each transport is measured, after its warm-up.")
        var duration: Duration = .seconds(10)

        @Option(help: "How long each transport runs before measuring starts.")
        var warmup: Duration = .seconds(1)

        @Option(help: "Bytes per request and per answer (at least 16).")
        var size: ByteCount = ByteCount(bytes: 64)

        @OptionGroup var output: BenchOutputOptions

        func validate() throws {
            guard self.size.bytes >= RoundTripProbe.headerLength, self.size.bytes <= 60_000 else {
                throw ValidationError("--size must be 16 B to 60000 B")
            }
            guard self.interval >= .microseconds(100) else { throw ValidationError("--interval must be at least 100us") }
            guard self.duration > .zero else { throw ValidationError("--duration must be more than 0") }
            do {
                _ = try self.linkSpecs()
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() async throws {
            guard NetworkNamespace.current != nil else {
                let status = try NetworkNamespace.runSelfInside(arguments: Array(CommandLine.arguments.dropFirst()))
                if status != 0 { throw ExitCode(status) }
                return
            }
            let specs = try self.linkSpecs()
            let link = try ShapedTunLink.create()
            defer { link.stop() }
            link.start(up: specs.up, down: specs.down, seed: self.seed)
            let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let cases: [(Transport, KCPConfiguration.Mode?)] =
                [(.tcp, nil), (.ws, nil)] + [.normal, .fast, .fast2, .fast3].map { (Transport.kcp, $0) }
            var progress = BenchProgress(total: cases.count)
            var results: [LatencyResult] = []
            var logger = self.global.makeLogger()
            logger.logLevel = max(logger.logLevel, .error)
            for (transport, mode) in cases {
                progress.starting(mode.map { "\(transport) \($0.rawValue)" } ?? transport.rawValue)
                var configuration = EchoServer.Configuration(host: ShapedTunLink.localAddress, port: 0)
                if let mode { configuration.kcp = KCPConfiguration.mode(mode) }
                let server = try await EchoServer.start(configuration, group: serverGroup, logger: logger)
                link.serverPort = server.port
                var endpoint = NetworkEndpoint(transport: transport, host: ShapedTunLink.peerAddress, port: server.port)
                if let mode { endpoint.options = [(key: "mode", value: mode.rawValue)] }
                var benchmark = RoundTripBenchmark(
                    endpoint: endpoint,
                    size: self.size.bytes,
                    warmup: self.warmup,
                    duration: self.duration,
                    connector: EndpointConnector(connectTimeout: .seconds(10))
                )
                benchmark.rate = 1e9 / Double(self.interval.totalNanoseconds)
                let before = link.counters
                let recorder: LatencyRecorder
                do {
                    recorder = try await benchmark.run(group: clientGroup)
                } catch {
                    progress.finish()
                    await server.shutdown()
                    throw error
                }
                let wire = link.counters.bytes - before.bytes
                await server.shutdown()
                var result = LatencyResult(
                    transport: transport.rawValue,
                    variant: mode?.rawValue,
                    url: endpoint.description,
                    size: self.size.bytes,
                    connections: 1,
                    rate: benchmark.rate,
                    recorder: recorder,
                    durationSeconds: Double(self.duration.totalNanoseconds) / 1e9
                )
                result.wireBytes = UInt64(max(wire, 0))
                results.append(result)
            }
            progress.finish()
            try? await clientGroup.shutdownGracefully()
            try? await serverGroup.shutdownGracefully()
            let heading = "link: up \(specs.up), down \(specs.down)\n"
            try self.output.emit(mode: "loss", results) { heading + LatencyTable.underLoss($0) }
        }

        /// The link's two directions: the impairment options, or 25 ms and 5% each way when none is given.
        private func linkSpecs() throws(ImpairmentSpecParseError) -> (up: ImpairmentSpec, down: ImpairmentSpec) {
            var options = self.impairment
            if options.flagSpec.isEmpty, options.preset == nil, options.up == nil, options.down == nil {
                options.delay = "25ms"
                options.loss = "5%"
            }
            return try options.makeSpecs()
        }
    }
}
