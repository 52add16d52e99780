import Foundation
import GamenetCore

/// `gamenet serve --echo` in a process of its own, started by the benchmark, so that its memory can be measured
/// apart from the client's.
final class ChildEchoServer {
    let process: Process
    let port: Int

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    var pid: Int32 { self.process.processIdentifier }

    /// Starts this same gamenet binary as `serve --echo --listen 127.0.0.1:0` and reads back its port.
    static func start(extraArguments: [String] = []) throws -> ChildEchoServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve", "--echo", "--listen", "127.0.0.1:0", "--max-conns", "1000000"] + extraArguments
        let standardError = Pipe()
        process.standardError = standardError
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw GamenetError(.unavailable, "cannot start an echo server process: \(error.localizedDescription)")
        }
        // The first line is "listening on tcp://127.0.0.1:PORT".
        var text = ""
        let handle = standardError.fileHandleForReading
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !text.contains("\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("listening on tcp://"),
            let port = line.split(separator: ":").last.flatMap({ Int($0) })
        else {
            process.terminate()
            throw GamenetError(.unavailable, "the echo server process did not start: \(text.prefix(200))")
        }
        // Its later lines are not read; they go nowhere rather than filling the pipe.
        standardError.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
        return ChildEchoServer(process: process, port: port)
    }

    func stop() {
        if self.process.isRunning {
            self.process.terminate()
            self.process.waitUntilExit()
        }
    }
}
