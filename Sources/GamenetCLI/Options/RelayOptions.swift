import ArgumentParser
import GamenetCore
import GamenetRuntime

/// Options shared by the commands that relay data between two endpoints (`proxy`, `connect`).
struct RelayOptions: ParsableArguments {
    @Option(
        help:
            "How a byte stream is cut into messages where it meets UDP: raw (each read), lines, len16 or len32 (big-endian length prefix)."
    )
    var framing: FramingMode?

    @Option(help: "After one side ends, wait this long for more datagrams before closing a message transport.")
    var wait: Duration = .seconds(1)

    @Option(help: "Give up connecting to the target after this long.")
    var connectTimeout: Duration = .seconds(10)

    /// A configuration with these options applied.
    func makeConfiguration(listen: Endpoint, target: Endpoint) -> ProxyConfiguration {
        var configuration = ProxyConfiguration(listen: listen, target: target)
        configuration.framing = self.framing
        configuration.linger = self.wait.timeAmount
        configuration.connectTimeout = self.connectTimeout.timeAmount
        return configuration
    }

    /// Checks the options of `kcp://` endpoints now, so a bad one is a usage error before anything is opened.
    static func validateEndpointOptions(_ endpoints: Endpoint...) throws {
        for case .network(let endpoint) in endpoints where endpoint.transport == .kcp {
            do {
                _ = try KCPConfiguration(endpoint: endpoint)
                _ = try KCPConfiguration.conversation(in: endpoint)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }
}
