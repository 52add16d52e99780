import Foundation
import GamenetCore
import GamenetRuntime
import NIOCore

/// Runs a started tunnel end until SIGINT or SIGTERM: announces where it listens, prints counters every second
/// with `--json`, and a summary on exit.
enum TunnelRunner {
    /// The socket address of an endpoint; a usage error if the host does not resolve.
    static func address(_ endpoint: NetworkEndpoint, listening: Bool) throws -> SocketAddress {
        let host = listening ? endpoint.listeningHost : endpoint.host
        do {
            return try SocketAddress.makeAddressResolvingHost(host, port: endpoint.port)
        } catch {
            throw GamenetError(.unavailable, "cannot resolve \(endpoint): \(error)")
        }
    }

    static func run(_ service: TunnelService, json: Bool) async throws {
        ListenAnnouncer.announce(service.listeningURLs, json: json)
        let (stopped, continuation) = AsyncStream<Void>.makeStream()
        TerminationSignals.install { continuation.finish() }
        let started = ContinuousClock.now
        let reporting = Task {
            guard json else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                let totals = await service.totals()
                StandardOutput.printLine(Self.line("stats", totals, since: started))
            }
        }
        for await _ in stopped {}
        reporting.cancel()
        let totals = await service.totals()
        await service.shutdown()
        if json {
            StandardOutput.printLine(Self.line("summary", totals, since: started))
        }
        StandardOutput.printError(
            "tunnel: \(totals.packetsIn) packets (\(totals.bytesIn) bytes) in, \(totals.packetsOut) packets "
                + "(\(totals.bytesOut) bytes) out, \(totals.fecRecovered) FEC recovered, \(totals.fecFailed) FEC "
                + "failed, \(totals.retransmissions) retransmits, \(totals.cryptoFailures) crypto failures\n"
        )
    }

    private static func line(_ event: String, _ totals: TunnelTotals, since started: ContinuousClock.Instant) -> String
    {
        let elapsed = started.duration(to: .now)
        let seconds = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        return #"{"event":"\#(event)","elapsed_s":\#((seconds * 1000).rounded() / 1000),"totals":\#(totals.json)}"#
    }
}
