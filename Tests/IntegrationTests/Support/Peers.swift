import Foundation

/// The programs the integration tests run: the gamenet binary under test and the real peers it talks to.
enum Peers {
    /// Whether the tests run in CI, where a missing peer is a failure rather than a skip.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// The path of the gamenet binary built with the tests, or `$GAMENET_BIN`.
    static var gamenet: String {
        if let path = ProcessInfo.processInfo.environment["GAMENET_BIN"] {
            return path
        }
        // swift test runs the test bundle from the build products folder, where the gamenet executable is too.
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [bundle.appendingPathComponent("gamenet").path]
        if let products = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(products.appendingPathComponent("gamenet").path)
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/gamenet").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// The path of a program on `PATH`, or `nil`.
    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Whether a test that needs `program` runs: always in CI (where its absence fails the test), and elsewhere
    /// only if the program is installed.
    static func available(_ program: String) -> Bool {
        Self.isCI || Self.which(program) != nil
    }

    /// The path of `program`, or a failure that says how to install it.
    static func require(_ program: String, package: String? = nil) throws -> String {
        guard let path = Self.which(program) else {
            throw TestFailure("\(program) is not installed: apt-get install \(package ?? program)")
        }
        return path
    }
}
