import GamenetCore
import GamenetRuntime
import Logging
import NIOCore
import NIOPosix

/// `gamenet serve --echo` inside the benchmark's own process, on 127.0.0.1 and a free port, with a thread of its
/// own (as a separate process would have) so that client and server run in parallel rather than taking turns.
struct InProcessEchoServer {
    private let server: EchoServer
    private let group: MultiThreadedEventLoopGroup

    static func start(logger: Logger) async throws -> InProcessEchoServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = logger
        logger.logLevel = max(logger.logLevel, .error)
        do {
            let server = try await EchoServer.start(
                EchoServer.Configuration(host: "127.0.0.1", port: 0),
                group: group,
                logger: logger
            )
            return InProcessEchoServer(server: server, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The server's URL for `transport`: `ws://` ones on path `/`.
    func endpoint(_ transport: Transport) -> NetworkEndpoint {
        NetworkEndpoint(transport: transport, host: "127.0.0.1", port: self.server.port)
    }

    func shutdown() async {
        await self.server.shutdown()
        try? await self.group.shutdownGracefully()
    }
}
