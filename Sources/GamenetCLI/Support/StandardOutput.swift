import GamenetRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines the CLI itself prints: events for scripts on standard output, errors and logs on standard error.
///
/// Each line goes out in one unbuffered `write`, so a script reading a pipe sees it at once and lines written from
/// several threads never interleave.
enum StandardOutput {
    /// Prints one line on standard output.
    static func printLine(_ line: String) {
        Self.write(line + "\n", to: STDOUT_FILENO)
    }

    /// Prints text on standard output as it is.
    static func printText(_ text: String) {
        Self.write(text, to: STDOUT_FILENO)
    }

    /// Prints text on standard error.
    static func printError(_ text: String) {
        Self.write(text, to: STDERR_FILENO)
    }

    /// Waits for relayed output to reach a file or terminal before the process exits.
    static func flush() {
        StandardIO.waitForOutput()
    }

    private static func write(_ text: String, to descriptor: CInt) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// Ends the process with `code`.
func systemExit(_ code: Int32) -> Never {
    exit(code)
}

private func systemWrite(_ descriptor: CInt, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
