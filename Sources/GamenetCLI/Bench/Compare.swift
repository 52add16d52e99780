import ArgumentParser
import GamenetCore
import GamenetRuntime
import Logging
import NIOCore
import NIOPosix

extension GamenetCommand.Bench {
    /// `gamenet bench` with no subcommand: every transport against an in-process echo server.
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare TCP, WebSocket, UDP and KCP round trips against an in-process echo server (the default)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var roundTrip: RoundTripOptions
        @OptionGroup var output: BenchOutputOptions

        func run() async throws {
            // The server gets a thread of its own, as a separate process would, so that client and server work
            // in parallel instead of taking turns on one event loop.
            let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let clientGroup = RoundTripSuite.makeClientGroup(connections: self.roundTrip.connections)
            var logger = self.global.makeLogger()
            logger.logLevel = max(logger.logLevel, .error)
            let server = try await EchoServer.start(
                EchoServer.Configuration(host: "127.0.0.1", port: 0),
                group: serverGroup,
                logger: logger
            )
            let port = server.port
            let endpoints: [NetworkEndpoint] = [
                NetworkEndpoint(transport: .tcp, host: "127.0.0.1", port: port),
                NetworkEndpoint(transport: .ws, host: "127.0.0.1", port: port),
                NetworkEndpoint(transport: .udp, host: "127.0.0.1", port: port),
                NetworkEndpoint(transport: .kcp, host: "127.0.0.1", port: port),
            ]
            let suite = RoundTripSuite(
                endpoints: endpoints,
                sizes: self.roundTrip.sizes.isEmpty ? [32, 256, 1_200] : self.roundTrip.sizes.map(\.bytes),
                options: self.roundTrip,
                duration: self.roundTrip.duration ?? .milliseconds(1_500)
            )
            let results: [LatencyResult]
            do {
                results = try await suite.run(group: clientGroup)
            } catch {
                await server.shutdown()
                throw error
            }
            await server.shutdown()
            try? await clientGroup.shutdownGracefully()
            try? await serverGroup.shutdownGracefully()
            try self.output.emit(mode: "compare", results, table: LatencyTable.percentiles)
        }
    }
}
