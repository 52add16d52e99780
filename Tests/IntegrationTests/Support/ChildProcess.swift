import Foundation

/// A program started by a test, with its standard streams on pipes, that is always ended by the test.
///
/// Output is collected on background threads so a chatty child never blocks on a full pipe; `waitForLine` reads the
/// collected standard error with a deadline, so no wait in a test is unbounded.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSCondition()
    private var stdoutData = Data()
    private var stderrData = Data()
    private var stdoutClosed = false
    private var stderrClosed = false

    /// Starts `executable` with `arguments`; standard input is a pipe unless `standardInput` names a file.
    init(_ executable: String, _ arguments: [String], standardInput: URL? = nil) throws {
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        if let standardInput {
            self.process.standardInput = try FileHandle(forReadingFrom: standardInput)
        } else {
            self.process.standardInput = self.stdinPipe
        }
        self.process.standardOutput = self.stdoutPipe
        self.process.standardError = self.stderrPipe
        try self.process.run()
        self.collect(self.stdoutPipe.fileHandleForReading, isStandardError: false)
        self.collect(self.stderrPipe.fileHandleForReading, isStandardError: true)
    }

    deinit {
        self.terminate()
    }

    private func collect(_ handle: FileHandle, isStandardError: Bool) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                self.lock.lock()
                if chunk.isEmpty {
                    if isStandardError { self.stderrClosed = true } else { self.stdoutClosed = true }
                } else if isStandardError {
                    self.stderrData.append(chunk)
                } else {
                    self.stdoutData.append(chunk)
                }
                self.lock.broadcast()
                self.lock.unlock()
                if chunk.isEmpty { return }
            }
        }
        thread.start()
    }

    /// Writes bytes to the child's standard input.
    func write(_ bytes: Data) throws {
        try self.stdinPipe.fileHandleForWriting.write(contentsOf: bytes)
    }

    /// Closes the child's standard input (end of input).
    func closeInput() throws {
        try self.stdinPipe.fileHandleForWriting.close()
    }

    /// Everything the child printed on standard output so far.
    var standardOutput: Data {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.stdoutData
    }

    /// Everything the child printed on standard error so far.
    var standardError: String {
        self.lock.lock()
        defer { self.lock.unlock() }
        return String(decoding: self.stderrData, as: UTF8.self)
    }

    /// Waits until standard error holds a match for `pattern` and returns the match's capture groups.
    func waitForStandardError(matching pattern: String, timeout: TimeInterval = 10) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        let deadline = Date().addingTimeInterval(timeout)
        self.lock.lock()
        defer { self.lock.unlock() }
        while true {
            let text = String(decoding: self.stderrData, as: UTF8.self)
            let range = NSRange(text.startIndex..., in: text)
            if let match = regex.firstMatch(in: text, range: range) {
                return (0..<match.numberOfRanges).map { index in
                    Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
                }
            }
            if self.stderrClosed || !self.lock.wait(until: deadline) && Date() >= deadline {
                throw TestFailure("no line matching \(pattern) on stderr of \(self.name); got: \(text)")
            }
        }
    }

    /// Waits for standard output to hold at least `count` bytes, or to close.
    func waitForStandardOutput(count: Int, timeout: TimeInterval = 10) -> Data {
        let deadline = Date().addingTimeInterval(timeout)
        self.lock.lock()
        defer { self.lock.unlock() }
        while self.stdoutData.count < count, !self.stdoutClosed, Date() < deadline {
            _ = self.lock.wait(until: deadline)
        }
        return self.stdoutData
    }

    /// Waits for the child to exit and returns its status; terminates it and fails if it takes longer than `timeout`.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 10) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while self.process.isRunning {
            if Date() >= deadline {
                self.process.terminate()
                throw TestFailure("\(self.name) did not exit within \(timeout)s; stderr: \(self.standardError)")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        // Let the collectors take what the child wrote last.
        _ = self.waitForStandardOutput(count: Int.max, timeout: 2)
        return self.process.terminationStatus
    }

    /// Sends a signal to the child.
    func signal(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Ends the child if it still runs.
    /// Ends the child if it still runs: SIGTERM, then SIGKILL after half a second. Children of the test runner can
    /// inherit a signal mask that blocks SIGTERM, and a test must not leave a peer running.
    func terminate() {
        guard self.process.isRunning else { return }
        self.process.terminate()
        let deadline = Date().addingTimeInterval(0.5)
        while self.process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
        }
    }

    private var name: String {
        ([self.process.executableURL?.lastPathComponent ?? "?"] + (self.process.arguments ?? [])).joined(separator: " ")
    }
}

/// A failure with a message, thrown from test helpers.
struct TestFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
