import Foundation
import GamenetCore

/// A network namespace of gamenet's own, for a link that must not be seen outside it (`ip netns`, iproute2).
package enum NetworkNamespace {
    /// Set in the environment of a gamenet process running inside its namespace.
    package static let environmentKey = "GAMENET_NETNS"

    /// The namespace this process runs in, if gamenet put it there.
    package static var current: String? {
        ProcessInfo.processInfo.environment[Self.environmentKey]
    }

    /// Runs this same gamenet binary with `arguments` inside a new namespace, which is deleted afterwards; its
    /// standard input, output and error are this process's. Returns its exit status.
    package static func runSelfInside(arguments: [String]) throws -> Int32 {
        guard geteuid() == 0 else {
            throw GamenetError(
                .unavailable,
                "this needs a network namespace and a TUN interface, which need root (CAP_NET_ADMIN); run it with sudo"
            )
        }
        let name = "gamenet-\(getpid())"
        try Self.run("ip", ["netns", "add", name])
        defer { try? Self.run("ip", ["netns", "del", name]) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.locate("ip"))
        process.arguments = ["netns", "exec", name, executable] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment[Self.environmentKey] = name
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs `program` with `arguments` and waits; a non-zero exit is an error that quotes its standard error.
    package static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.locate(program))
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw GamenetError(
                .unavailable,
                "\(program) \(arguments.joined(separator: " ")) failed: \(message.isEmpty ? "exit status \(process.terminationStatus)" : message)"
            )
        }
    }

    private static func locate(_ program: String) throws -> String {
        for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw GamenetError(.unavailable, "\(program) is not installed (apt-get install iproute2)")
    }
}
