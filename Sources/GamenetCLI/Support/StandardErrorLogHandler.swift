import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log records to standard error as one short line each, `gamenet: warning: message key=value`.
///
/// Standard output belongs to the command (relayed data, JSON); diagnostics never go there.
struct StandardErrorLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning
    private let label: String

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "\(self.label): \(event.level.rawValue): \(event.message)"
        let merged = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        line += "\n"
        // One fputs per record: stderr is unbuffered, so records from several threads do not interleave mid-line.
        StandardOutput.printError(line)
    }
}
