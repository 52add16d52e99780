#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A progress bar on standard error while a benchmark runs its cases, drawn only when standard error is a terminal
/// (a log file or a CI job gets no carriage returns).
struct BenchProgress {
    private let total: Int
    private var done = 0
    private let isVisible: Bool

    init(total: Int) {
        self.total = total
        self.isVisible = isatty(STDERR_FILENO) == 1
    }

    /// Shows that the case named `label` starts.
    mutating func starting(_ label: String) {
        guard self.isVisible else { return }
        let width = 24
        let filled = self.total == 0 ? width : width * self.done / self.total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        StandardOutput.printError("\r\u{1B}[2Kbench [\(bar)] \(self.done + 1)/\(self.total) \(label)")
        self.done += 1
    }

    /// Clears the bar.
    func finish() {
        guard self.isVisible else { return }
        StandardOutput.printError("\r\u{1B}[2K")
    }
}
