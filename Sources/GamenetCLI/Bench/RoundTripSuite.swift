import GamenetCore
import GamenetRuntime
import NIOCore
import NIOPosix

/// Runs round-trip cases one after another (every URL at every size) and summarizes each.
struct RoundTripSuite {
    var endpoints: [NetworkEndpoint]
    var sizes: [Int]
    var options: RoundTripOptions
    var duration: Duration

    /// The cases, each on fresh connections from `group`, with a progress bar on a terminal.
    func run(group: any EventLoopGroup) async throws -> [LatencyResult] {
        let connector = EndpointConnector(connectTimeout: .seconds(5))
        var progress = BenchProgress(total: self.endpoints.count * self.sizes.count)
        defer { progress.finish() }
        var results: [LatencyResult] = []
        for endpoint in self.endpoints {
            for size in self.sizes {
                progress.starting("\(endpoint.transport) \(size) B")
                var benchmark = RoundTripBenchmark(
                    endpoint: endpoint,
                    size: size,
                    warmup: self.options.warmup,
                    duration: self.duration,
                    connector: connector
                )
                benchmark.connections = self.options.connections
                benchmark.rate = self.options.rate
                let recorder = try await benchmark.run(group: group)
                results.append(
                    LatencyResult(
                        transport: endpoint.transport.rawValue,
                        url: endpoint.description,
                        size: size,
                        connections: self.options.connections,
                        rate: self.options.rate,
                        recorder: recorder,
                        durationSeconds: Double(self.duration.totalNanoseconds) / 1e9
                    )
                )
            }
        }
        return results
    }

    /// A client event-loop group sized for `connections`: one thread each, up to the processor count.
    static func makeClientGroup(connections: Int) -> MultiThreadedEventLoopGroup {
        MultiThreadedEventLoopGroup(numberOfThreads: max(1, min(connections, System.coreCount)))
    }
}
