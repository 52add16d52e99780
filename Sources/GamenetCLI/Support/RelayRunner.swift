import GamenetCore
import GamenetRuntime
import Logging
import NIOCore

/// Runs a relay until it is done or a signal stops it, as `proxy` and `connect` do.
enum RelayRunner {
    /// Starts the relay, announces its listeners and waits.
    ///
    /// - Throws: the first connection error of a single-connection relay (standard I/O on either side), so that its
    ///   exit status tells a refused peer from a clean end.
    static func run(_ configuration: ProxyConfiguration, json: Bool, logger: Logger) async throws {
        let service = try await ProxyService.start(configuration, logger: logger)
        // Signals first: a script may stop the service as soon as it reads the listening line.
        TerminationSignals.install {
            Task { await service.shutdown() }
        }
        ListenAnnouncer.announce(service.listeningURLs, json: json)
        try await service.finished.get()
        let servesOneConnection = configuration.listen == .standardIO || configuration.target == .standardIO
        if servesOneConnection, let error = service.firstError.error {
            throw error
        }
    }
}
