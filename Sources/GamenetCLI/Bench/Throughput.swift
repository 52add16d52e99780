import ArgumentParser
import GamenetCore
import GamenetRuntime
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension GamenetCommand.Bench {
    /// `gamenet bench throughput URL...`: how much an echo peer sends back per second.
    struct Throughput: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure bulk and echo throughput against echo peers (in-process ones with no URL).",
            discussion: """
                Each URL runs two cases on fresh connections: bulk, messages written as fast as the connection \
                takes them (flow control sets the pace; not for udp://, which has none), and echo, --window \
                messages in flight per connection, one more for each echo. The rate counts echoed messages and \
                bytes after the warm-up. With no URL, gamenet's own echo server runs in the process.
                Example:
                  gamenet bench throughput tcp://127.0.0.1:7350 --size 64KiB --connections 4
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Echo peers to measure; none for an in-process echo server.", transform: RoundTrip.echoPeer)
        var urls: [NetworkEndpoint] = []

        @Option(help: "Bytes per message.")
        var size: ByteCount = ByteCount(bytes: 1_024)

        @Option(help: "Connections per case.")
        var connections: Int = 1

        @Option(help: "Messages in flight per connection in the echo case.")
        var window: Int = 16

        @Option(help: "How long each case is measured, after its warm-up.")
        var duration: Duration = .seconds(3)

        @Option(help: "How long each case runs before counting starts.")
        var warmup: Duration = .milliseconds(500)

        @OptionGroup var output: BenchOutputOptions

        func validate() throws {
            try self.output.requireNoLatencyFormats(mode: "throughput")
            guard self.size.bytes >= 1, self.size.bytes <= 16 << 20 else {
                throw ValidationError("--size must be 1 B to 16 MiB")
            }
            guard self.connections >= 1, self.connections <= 10_000 else {
                throw ValidationError("--connections must be 1 to 10000")
            }
            guard self.window >= 1, self.window <= 100_000 else { throw ValidationError("--window must be 1 to 100000") }
            guard self.duration > .zero else { throw ValidationError("--duration must be more than 0") }
        }

        func run() async throws {
            var server: InProcessEchoServer?
            var endpoints = self.urls
            if endpoints.isEmpty {
                let inProcess = try await InProcessEchoServer.start(logger: self.global.makeLogger())
                server = inProcess
                endpoints = [Transport.tcp, .ws, .udp, .kcp].map(inProcess.endpoint)
            }
            let group = RoundTripSuite.makeClientGroup(connections: self.connections)
            let connector = EndpointConnector(connectTimeout: .seconds(5))
            let cases = endpoints.flatMap { endpoint in
                (endpoint.transport == .udp ? [self.window] : [0, self.window]).map { (endpoint, $0) }
            }
            var progress = BenchProgress(total: cases.count)
            var results: [ThroughputResult] = []
            do {
                for (endpoint, window) in cases {
                    progress.starting("\(endpoint.transport) \(window == 0 ? "bulk" : "echo")")
                    var benchmark = ThroughputBenchmark(
                        endpoint: endpoint,
                        size: self.size.bytes,
                        window: window,
                        warmup: self.warmup,
                        duration: self.duration,
                        connector: connector
                    )
                    benchmark.connections = self.connections
                    let cpuBefore = Self.processCPUSeconds()
                    let meter = try await benchmark.run(group: group)
                    results.append(
                        ThroughputResult(
                            transport: endpoint.transport.rawValue,
                            url: endpoint.description,
                            size: self.size.bytes,
                            connections: self.connections,
                            window: window,
                            meter: meter,
                            cpuSeconds: Self.processCPUSeconds() - cpuBefore
                        )
                    )
                }
            } catch {
                progress.finish()
                await server?.shutdown()
                throw error
            }
            progress.finish()
            await server?.shutdown()
            try? await group.shutdownGracefully()
            if self.output.json {
                try self.output.printJSON(BenchReport.current(mode: "throughput", results: results))
            } else {
                StandardOutput.printText(
                    BenchReport<ThroughputResult>.heading(mode: "throughput") + ThroughputResult.table(results)
                )
            }
        }

        /// User and system CPU time of this process so far, every thread together.
        static func processCPUSeconds() -> Double {
            // clock(3): the process's CPU time, CLOCK_PROCESS_CPUTIME_ID on Linux.
            Double(clock()) / Double(CLOCKS_PER_SEC)
        }
    }
}
