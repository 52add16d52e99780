import Foundation
import Testing

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

    // MARK: - Python peers

    /// The root of the package, found from this file's path (`Tests/IntegrationTests/Support/Peers.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A program in a virtual environment that `.ci/run` creates: `$variable` if set, else `fallback` under the
    /// package root; `nil` if that is not an executable file.
    private static func virtualEnvironmentProgram(_ variable: String, fallback: String) -> String? {
        let path =
            ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.packageRoot.appendingPathComponent(fallback).path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// A Python 3 with the `websockets` library: `$GAMENET_PYTHON`, or `.build/venv/bin/python`.
    static var python: String? {
        Self.virtualEnvironmentProgram("GAMENET_PYTHON", fallback: ".build/venv/bin/python")
    }

    /// Autobahn's `wstest` (Python 2.7): `$GAMENET_WSTEST`, or `.build/autobahn/bin/wstest`.
    static var wstest: String? {
        Self.virtualEnvironmentProgram("GAMENET_WSTEST", fallback: ".build/autobahn/bin/wstest")
    }

    /// Whether the tests that need Python's `websockets` run: always in CI, elsewhere if the venv exists.
    static var hasPython: Bool { Self.isCI || Self.python != nil }

    /// Whether the Autobahn tests run: always in CI, elsewhere if `wstest` exists.
    static var hasWstest: Bool { Self.isCI || Self.wstest != nil }

    static let pythonMissing: Comment =
        "Python websockets is missing: set GAMENET_PYTHON or run .ci/run (it creates .build/venv)"
    static let wstestMissing: Comment =
        "Autobahn wstest is missing: set GAMENET_WSTEST or run .ci/run (it creates .build/autobahn)"

    /// The path of the Python with `websockets`, or a failure that says how to get it.
    static func requirePython() throws -> String {
        guard let path = Self.python else { throw TestFailure(Self.pythonMissing.rawValue) }
        return path
    }

    /// The path of `wstest`, or a failure that says how to get it.
    static func requireWstest() throws -> String {
        guard let path = Self.wstest else { throw TestFailure(Self.wstestMissing.rawValue) }
        return path
    }
}

extension ChildProcess {
    /// Ends the child with SIGKILL if it still runs, and waits (at most two seconds) until it has.
    ///
    /// A child started from a test thread inherits that thread's blocked signals, SIGTERM among them: a program that
    /// does not unblock it, such as Python (`wstest`, the `websockets` scripts), never sees `terminate()`.
    func forceStop() {
        guard self.process.isRunning else { return }
        self.signal(SIGKILL)
        let deadline = Date().addingTimeInterval(2)
        while self.process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
