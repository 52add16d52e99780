import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM, delivered to a handler instead of killing the process, so a service can stop accepting and
/// close its connections cleanly.
///
/// The signal handler only writes the signal number to a pipe (write(2) is async-signal-safe); a thread reads the
/// pipe and calls the Swift handler. The signals are unblocked first, since a parent may have spawned gamenet with
/// them blocked.
package enum TerminationSignals {
    /// Calls `handler` on the first SIGINT or SIGTERM; a second one ends the process at once with status 130 or 143,
    /// for a shutdown that hangs.
    package static func install(_ handler: @escaping @Sendable () -> Void) {
        var descriptors: [CInt] = [0, 0]
        guard pipe(&descriptors) == 0 else { return }
        signalPipeWriteEnd = descriptors[1]
        let readEnd = descriptors[0]

        var set = sigset_t()
        sigemptyset(&set)
        for signalNumber in [SIGINT, SIGTERM] {
            sigaddset(&set, signalNumber)
            var action = sigaction()
            action.__sigaction_handler.sa_handler = forwardSignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signalNumber, &action, nil)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)

        let thread = Thread {
            var fired = false
            while true {
                var signalNumber: CInt = 0
                let count = read(readEnd, &signalNumber, MemoryLayout<CInt>.size)
                if count < 0, errno == EINTR { continue }
                guard count == MemoryLayout<CInt>.size else { return }
                if fired {
                    exit(128 + signalNumber)
                }
                fired = true
                handler()
            }
        }
        thread.name = "gamenet-signals"
        thread.start()
    }
}

/// The write end of the signal pipe, read by the signal handler (a C function cannot capture context).
nonisolated(unsafe) private var signalPipeWriteEnd: CInt = -1

private func forwardSignal(_ signalNumber: CInt) {
    var number = signalNumber
    let savedErrno = errno
    _ = write(signalPipeWriteEnd, &number, MemoryLayout<CInt>.size)
    errno = savedErrno
}
