import ArgumentParser
import GamenetCore
import GamenetRuntime
import Logging
import NIOCore
import NIOPosix

extension GamenetCommand.Bench {
    /// `gamenet bench conns`: many concurrent connections to an echo server, and what they cost it.
    struct Conns: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open many concurrent TCP or WebSocket connections to an echo server and measure the server's memory per connection.",
            discussion: """
                Opens --count connections (spread over several loopback source addresses past 16,384, for more \
                source ports), keeps them open with a --size message on each every --interval for --hold, and \
                reports the connect rate, failures, echoes and connections the server dropped. The server's \
                resident memory (VmRSS) is read before connecting, once the connections are idle, and after one \
                message each, for the growth per connection: with no URL, gamenet starts its own echo server as a \
                child process (a fresh one per transport); with URLs, give the server's --server-pid. The process \
                limit on open files is raised to its hard limit; each connection needs one.
                Example:
                  gamenet bench conns --count 15000
                  gamenet bench conns ws://127.0.0.1:7350/ --count 5000 --server-pid 4242
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "tcp:// or ws:// echo servers; none for a child gamenet echo server, TCP then WebSocket.",
                  transform: RoundTrip.echoPeer)
        var urls: [NetworkEndpoint] = []

        @Option(help: "Connections to open.")
        var count: Int = 1_000

        @Option(help: "The echo server's process id, to read its memory.")
        var serverPid: Int32?

        @Option(help: "How often each connection sends a message while held open.")
        var interval: Duration = .seconds(5)

        @Option(help: "How long the connections are held open after the first message.")
        var hold: Duration = .seconds(10)

        @Option(help: "Bytes per message.")
        var size: ByteCount = ByteCount(bytes: 32)

        @Option(help: "Connection attempts in flight at once.")
        var concurrency: Int = 256

        @OptionGroup var output: BenchOutputOptions

        func validate() throws {
            try self.output.requireNoLatencyFormats(mode: "conns")
            guard self.count >= 1, self.count <= 1_000_000 else { throw ValidationError("--count must be 1 to 1000000") }
            guard self.concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
            guard self.size.bytes >= 1, self.size.bytes <= 65_536 else { throw ValidationError("--size must be 1 B to 64 KiB") }
            guard self.interval > .zero else { throw ValidationError("--interval must be more than 0") }
            for url in self.urls where url.transport != .tcp && url.transport != .ws {
                throw ValidationError("\(url) is not tcp:// or ws://; bench conns opens stream connections")
            }
        }

        func run() async throws {
            let limit = FileDescriptorLimit.raiseToHardLimit()
            if self.count + 64 > limit {
                throw GamenetError(
                    .unavailable,
                    "\(self.count) connections need as many open files; this process may open \(limit) (ulimit -n)"
                )
            }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
            var results: [ConnectionScaleResult] = []
            var progress = BenchProgress(total: max(self.urls.count, 2))
            // Cleared before the table, and on an error too.
            defer { progress.finish() }
            if self.urls.isEmpty {
                for transport in [Transport.tcp, .ws] {
                    progress.starting("\(transport) \(self.count) connections")
                    let server = try ChildEchoServer.start()
                    defer { server.stop() }
                    let endpoint = NetworkEndpoint(transport: transport, host: "127.0.0.1", port: server.port)
                    results.append(await self.measure(endpoint, serverPid: server.pid, group: group))
                }
            } else {
                for endpoint in self.urls {
                    progress.starting("\(endpoint.transport) \(self.count) connections")
                    results.append(await self.measure(endpoint, serverPid: self.serverPid, group: group))
                }
            }
            progress.finish()
            try? await group.shutdownGracefully()
            if self.output.json {
                try self.output.printJSON(BenchReport.current(mode: "conns", results: results))
            } else {
                StandardOutput.printText(
                    BenchReport<ConnectionScaleResult>.heading(mode: "conns") + ConnectionScaleResult.table(results)
                )
            }
            for result in results where result.failed > 0 || result.connected == 0 {
                throw GamenetError(.unavailable, "\(result.failed) of \(result.count) connections to \(result.url) failed")
            }
        }

        private func measure(_ endpoint: NetworkEndpoint, serverPid: Int32?, group: any EventLoopGroup) async
            -> ConnectionScaleResult
        {
            var benchmark = ConnectionScaleBenchmark(
                endpoint: endpoint,
                count: self.count,
                connector: EndpointConnector(connectTimeout: .seconds(10))
            )
            benchmark.concurrency = self.concurrency
            benchmark.messageSize = self.size.bytes
            benchmark.interval = self.interval
            benchmark.hold = self.hold
            // One source address per 16,384 connections: 127.0.0.1, 127.0.0.2, …
            let addressCount = (self.count + 16_383) / 16_384
            benchmark.sourceAddresses = (0..<addressCount).compactMap {
                try? SocketAddress(ipAddress: "127.0.0.\(1 + $0)", port: 0)
            }
            let before = serverPid.flatMap(ProcessMemory.residentBytes(pid:))
            var idle: Int?
            var afterMessage: Int?
            let report = await benchmark.run(group: group) { phase in
                switch phase {
                case .connected: idle = serverPid.flatMap(ProcessMemory.residentBytes(pid:))
                case .echoedOnce: afterMessage = serverPid.flatMap(ProcessMemory.residentBytes(pid:))
                }
            }
            if let failure = report.firstFailure {
                self.global.makeLogger().error("bench conns: \(failure)")
            }
            var result = ConnectionScaleResult(
                transport: endpoint.transport.rawValue,
                url: endpoint.description,
                count: self.count,
                connected: report.connected,
                failed: report.failed,
                connectSeconds: report.connectSeconds,
                echoesExpected: report.echoesExpected,
                echoesReceived: report.echoesReceived,
                dropped: report.dropped
            )
            result.serverPid = serverPid
            result.serverRSSBefore = before
            result.serverRSSIdle = idle
            result.serverRSSAfterMessage = afterMessage
            return result
        }
    }
}
