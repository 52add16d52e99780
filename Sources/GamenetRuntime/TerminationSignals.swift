import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM, delivered to a handler instead of killing the process, so a service can stop accepting and
/// close its connections cleanly.
package enum TerminationSignals {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Calls `handler` on the first SIGINT or SIGTERM; a second one ends the process at once with status 130 or 143,
    /// for a shutdown that hangs.
    package static func install(_ handler: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "gamenet.signals")
        let fired = SignalFlag()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                if fired.set() {
                    handler()
                } else {
                    exit(128 + signalNumber)
                }
            }
            source.resume()
            Self.sources.append(source)
        }
    }
}

/// Set once; used on the signal queue only.
private final class SignalFlag: @unchecked Sendable {
    private var isSet = false

    /// Sets the flag and says whether this call was the one that set it.
    func set() -> Bool {
        defer { self.isSet = true }
        return !self.isSet
    }
}
