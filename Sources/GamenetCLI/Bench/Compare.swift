import ArgumentParser
import GamenetCore
import GamenetRuntime
import NIOCore

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
            let server = try await InProcessEchoServer.start(logger: self.global.makeLogger())
            let clientGroup = RoundTripSuite.makeClientGroup(connections: self.roundTrip.connections)
            let endpoints = [Transport.tcp, .ws, .udp, .kcp].map(server.endpoint)
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
            try self.output.emit(mode: "compare", results, table: LatencyTable.percentiles)
        }
    }
}
