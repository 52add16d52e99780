import ArgumentParser
import GamenetCore
import NIOCore

extension GamenetCommand.Bench {
    /// `gamenet bench rtt URL...`: round trips against any echo peer.
    struct RoundTrip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rtt",
            abstract: "Measure round-trip time against echo peers: tcp://, ws://, udp:// or kcp:// URLs.",
            discussion: """
                Each URL is run at each --size on fresh connections, one case after another. Closed loop by \
                default; --rate makes it open loop, each message timed from when it was due.
                Example:
                  gamenet bench rtt tcp://127.0.0.1:7350 udp://127.0.0.1:7350 --size 32 --size 1200
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Echo peers to measure.", transform: RoundTrip.echoPeer)
        var urls: [NetworkEndpoint]

        @OptionGroup var roundTrip: RoundTripOptions
        @OptionGroup var output: BenchOutputOptions

        func run() async throws {
            let group = RoundTripSuite.makeClientGroup(connections: self.roundTrip.connections)
            let suite = RoundTripSuite(
                endpoints: self.urls,
                sizes: self.roundTrip.sizes.isEmpty ? [32] : self.roundTrip.sizes.map(\.bytes),
                options: self.roundTrip,
                duration: self.roundTrip.duration ?? .seconds(5)
            )
            let results = try await suite.run(group: group)
            try? await group.shutdownGracefully()
            try self.output.emit(mode: "rtt", results, table: LatencyTable.percentiles)
        }

        /// A network URL with a host to connect to.
        static func echoPeer(_ text: String) throws -> NetworkEndpoint {
            let endpoint = try Endpoint.argument(text)
            guard case .network(let network) = endpoint, !network.host.isEmpty else {
                throw ValidationError("\(text) is not an echo peer to connect to; give tcp://HOST:PORT, ws://HOST:PORT/PATH, udp://HOST:PORT or kcp://HOST:PORT")
            }
            return network
        }
    }
}
