import GamenetCore
import NIOCore

/// One throughput case against an echo peer: fresh connections, a warm-up, then the measured run.
package struct ThroughputBenchmark: Sendable {
    package var endpoint: NetworkEndpoint
    package var size: Int
    package var connections: Int = 1
    /// Messages in flight per connection; 0 writes as fast as the connection takes them.
    package var window: Int
    package var warmup: Duration
    package var duration: Duration
    package var connector: EndpointConnector

    package init(
        endpoint: NetworkEndpoint,
        size: Int,
        window: Int,
        warmup: Duration,
        duration: Duration,
        connector: EndpointConnector
    ) {
        self.endpoint = endpoint
        self.size = size
        self.window = window
        self.warmup = warmup
        self.duration = duration
        self.connector = connector
    }

    /// Runs the case and returns what was counted on every connection together.
    package func run(group: any EventLoopGroup) async throws -> ThroughputMeter {
        let channels = try await BenchConnections.open(
            self.connections,
            to: self.endpoint,
            connector: self.connector,
            group: group,
            maximumMessageLength: self.size
        )
        defer {
            for channel in channels { channel.close(promise: nil) }
        }
        let start = NIODeadline.now().uptimeNanoseconds + 20_000_000
        let meter = ThroughputMeter(
            start: start,
            warmup: UInt64(self.warmup.totalNanoseconds),
            duration: UInt64(self.duration.totalNanoseconds)
        )
        let isByteStream = self.endpoint.transport == .tcp
        var results: [EventLoopFuture<ThroughputMeter>] = []
        for channel in channels {
            let finished = channel.eventLoop.makePromise(of: ThroughputMeter.self)
            results.append(finished.futureResult)
            let (size, window) = (self.size, self.window)
            try await BenchConnections.start(on: channel) {
                ThroughputHandler(meter: meter, size: size, window: window, isByteStream: isByteStream, finished: finished)
            }
        }
        var total = ThroughputMeter(start: start, warmup: meter.warmupEnd - start, duration: meter.end - meter.warmupEnd)
        for result in results {
            total.merge(try await result.get())
        }
        return total
    }
}
