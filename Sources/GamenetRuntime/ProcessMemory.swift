#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a process holds in memory, from `/proc/PID/status` (Linux).
package enum ProcessMemory {
    /// The resident set size of process `pid` (`VmRSS`), in bytes, or `nil` if it cannot be read.
    package static func residentBytes(pid: Int32) -> Int? {
        Self.residentBytes(statusFile: "/proc/\(pid)/status")
    }

    /// The resident set size of this process, in bytes, or `nil` if it cannot be read.
    package static var ownResidentBytes: Int? {
        Self.residentBytes(statusFile: "/proc/self/status")
    }

    private static func residentBytes(statusFile: String) -> Int? {
        guard let status = Self.read(statusFile) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            // "VmRSS:     12345 kB"
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1_024
        }
        return nil
    }

    private static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
