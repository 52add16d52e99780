import GamenetCore
import NIOCore
import NIOPosix

/// One round-trip case against an echo peer: fresh connections, a warm-up, then the measured run.
package struct RoundTripBenchmark: Sendable {
    /// The echo peer.
    package var endpoint: NetworkEndpoint
    /// Bytes per message, at least 16.
    package var size: Int
    /// Connections run in parallel, each its own loop.
    package var connections: Int = 1
    /// Messages per second per connection in open loop; `nil` for a closed loop.
    package var rate: Double?
    package var warmup: Duration
    package var duration: Duration
    /// How connections are opened.
    package var connector: EndpointConnector

    package init(endpoint: NetworkEndpoint, size: Int, warmup: Duration, duration: Duration, connector: EndpointConnector) {
        self.endpoint = endpoint
        self.size = size
        self.warmup = warmup
        self.duration = duration
        self.connector = connector
    }

    /// Opens the connections, runs the case on each, closes them and merges their samples.
    package func run(group: any EventLoopGroup) async throws -> LatencyRecorder {
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
        // Every connection starts at the same moment, a little ahead so that the last one is set up in time.
        let start = NIODeadline.now().uptimeNanoseconds + 20_000_000
        let isByteStream = self.endpoint.transport == .tcp
        let pacing: RoundTripProbe.Pacing = self.rate.map { .openLoop(interval: UInt64(1e9 / $0)) } ?? .closedLoop
        var results: [EventLoopFuture<RoundTripProbe>] = []
        for channel in channels {
            let probe = RoundTripProbe(
                messageSize: self.size,
                pacing: pacing,
                start: start,
                warmup: UInt64(self.warmup.totalNanoseconds),
                duration: UInt64(self.duration.totalNanoseconds),
                // A byte stream or KCP never loses a message; a datagram may.
                replyTimeout: self.endpoint.transport == .udp ? 250_000_000 : 30_000_000_000
            )
            let finished = channel.eventLoop.makePromise(of: RoundTripProbe.self)
            results.append(finished.futureResult)
            try await BenchConnections.start(on: channel) {
                RoundTripHandler(probe: probe, isByteStream: isByteStream, finished: finished)
            }
        }
        var recorder = LatencyRecorder()
        for result in results {
            recorder.merge(try await result.get().recorder)
        }
        return recorder
    }
}
