import Foundation
import Testing

/// gamenet's KCP against the reference implementation (ikcp.c, in Python's `kcp` package: ``KCPReferencePeer``) over
/// real UDP on 127.0.0.1, clean and through `gamenet impair` at 10% loss each way; TCP carried over KCP by two
/// proxies; bad input to the serve port; and a peer that is not there.
///
/// Serialized: the lossy runs retransmit on timers, and parallel tests on a small machine would stretch them.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: KCPReferencePeer.isAvailable, KCPReferencePeer.missing))
struct KCPInteropTests {
    /// Messages each way in the exchanges with the reference peer.
    static let messageCount = 5000

    // MARK: - gamenet connect against a reference echo server

    @Test(arguments: [0, 10])
    func connectExchangesMessagesWithAReferenceEchoServer(lossPercent: Int) throws {
        let server = try KCPReferencePeer.startEchoServer()
        defer { server.process.forceStop() }
        let (port, impair) = try Self.throughImpair(to: server.port, lossPercent: lossPercent)
        defer { impair?.terminate() }

        // Lines of 1 to 3000 printable bytes: each is one KCP message (connect's default --framing lines), some
        // of them two or three segments.
        let input = Self.lines(count: Self.messageCount, seed: UInt64(lossPercent) + 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gamenet-kcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputFile = directory.appendingPathComponent("input.txt")
        try input.write(to: inputFile)

        // After its input ends, connect exits once nothing has arrived for --wait; at 10% loss a segment may be
        // lost several times in a row, and its retransmission timer backs off, so the wait is longer there.
        let wait = lossPercent > 0 ? "5s" : "1s"
        let client = try ChildProcess(
            Peers.gamenet,
            ["connect", "kcp://127.0.0.1:\(port)", "--wait", wait],
            standardInput: inputFile
        )
        defer { client.terminate() }
        let status = try client.waitForExit(timeout: 100)
        #expect(status == 0, "connect exited \(status): \(client.standardError)")
        Self.expectSameLines(client.standardOutput, input)
    }

    // MARK: - A reference client against gamenet serve --echo

    @Test(arguments: [0, 10])
    func aReferenceClientGetsEveryMessageBackFromServe(lossPercent: Int) throws {
        let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { server.process.terminate() }
        let (port, impair) = try Self.throughImpair(to: server.port, lossPercent: lossPercent)
        defer { impair?.terminate() }

        let output = try KCPReferencePeer.runClient(port: port, count: Self.messageCount, seed: 100 + lossPercent)
        #expect(output.hasPrefix("ok \(Self.messageCount) "), "\(output)")
    }

    @Test func rawUDPIsEchoedOnTheSamePortWhileKCPConversationsRun() throws {
        let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0", "-v"])
        defer { server.process.terminate() }
        let raw = try UDPTestClient(port: server.port, receiveTimeout: 0.7)
        var generator = SplitMix64(seed: 42)
        // Text, binary, and things that look almost like KCP: a header alone with an unknown command, a header whose
        // length runs past the datagram, 23 bytes.
        var datagrams: [[UInt8]] = [
            Array("plain text".utf8),
            [0x01, 0x00, 0x00, 0x00, 80] + [UInt8](repeating: 0, count: 19),
            [0x01, 0x00, 0x00, 0x00, 81, 0, 128, 0] + [UInt8](repeating: 0, count: 12) + [0xFF, 0, 0, 0] + [1, 2, 3],
            [UInt8](repeating: 81, count: 23),
        ]
        for size in stride(from: 1, through: 1400, by: 7) {
            datagrams.append((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }

        let output = try KCPReferencePeer.runClient(port: server.port, count: Self.messageCount, seed: 7) { _ in
            // Raw datagrams go out while the conversation runs.
            _ = try server.process.waitForStandardError(matching: "KCP conversation [0-9]+ from")
            for datagram in datagrams {
                // UDP may drop a datagram when the socket's buffer is full of the KCP client's traffic: up to three
                // tries, each waiting for the echo.
                var echo: [UInt8]?
                for _ in 0..<3 where echo != datagram {
                    try raw.send(datagram)
                    echo = raw.receive()
                }
                #expect(echo == datagram, "raw datagram of \(datagram.count) bytes")
            }
        }
        #expect(output.hasPrefix("ok \(Self.messageCount) "), "\(output)")
        // The conversation was still open when the last raw datagram came back.
        #expect(!server.process.standardError.contains("closed"), "\(server.process.standardError)")
    }

    // MARK: - TCP over KCP

    /// In stream mode KCP merges writes into queued segments, and an empty write used to vanish into one: the end of
    /// the stream was lost whenever data was still queued, and the far end never saw it.
    @Test(arguments: ["mode=fast", "mode=fast3&stream=1"])
    func tcpOverKCPRoundTripsBytesAndPassesTheHalfCloseOn(options: String) throws {
        let echo = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { echo.process.terminate() }
        let far = try Launch.gamenetListening(["proxy", "kcp://127.0.0.1:0?\(options)", "tcp://127.0.0.1:\(echo.port)"])
        defer { far.process.terminate() }
        let near = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:0", "kcp://127.0.0.1:\(far.port)?\(options)"])
        defer { near.process.terminate() }

        var generator = SplitMix64(seed: 4)
        let payload = (0..<(4 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let client = try TCPTestClient(port: near.port, timeout: 20)
        // One thread sends everything and shuts its write side at once; this one reads until end of stream, which
        // comes only if the end of the client's stream reached the echo server and the end of the echo server's
        // came back, each as gamenet's end-of-stream marker over KCP.
        let sent = DispatchSemaphore(value: 0)
        let sendError = FailureBox()
        Thread {
            do {
                try client.send(payload)
                client.shutdownOutput()
            } catch {
                sendError.record(error)
            }
            sent.signal()
        }.start()
        let received = try client.receive()
        #expect(sent.wait(timeout: .now() + 20) == .success)
        #expect(sendError.failure == nil)
        #expect(received.count == payload.count)
        #expect(received == payload, "the bytes that came back differ from those sent")
    }

    @Test func tcpOverKCPAtTheSmallestMTULosesNothingAndASmallerOneIsRefused() throws {
        // A relay cuts the TCP stream into messages of up to 64 KiB; one message has at most 127 fragments, so the
        // smallest MTU that carries them is 541 (127 × 517 ≥ 65,536). A smaller one used to be accepted, and every
        // 64 KiB read was then dropped with a warning while the transfer ended as if complete.
        let echo = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { echo.process.terminate() }
        let far = try Launch.gamenetListening(["proxy", "kcp://127.0.0.1:0?mtu=541", "tcp://127.0.0.1:\(echo.port)"])
        defer { far.process.terminate() }
        let near = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:0", "kcp://127.0.0.1:\(far.port)?mtu=541"])
        defer { near.process.terminate() }

        var generator = SplitMix64(seed: 5)
        let payload = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let client = try TCPTestClient(port: near.port, timeout: 20)
        let sent = DispatchSemaphore(value: 0)
        Thread {
            try? client.send(payload)
            client.shutdownOutput()
            sent.signal()
        }.start()
        let received = try client.receive()
        #expect(sent.wait(timeout: .now() + 20) == .success)
        #expect(received == payload, "\(received.count) of \(payload.count) bytes came back")
        #expect(!near.process.standardError.contains("messageTooLarge"), "\(near.process.standardError)")

        let refused = try ChildProcess(Peers.gamenet, ["proxy", "tcp://127.0.0.1:0", "kcp://127.0.0.1:9?mtu=540"])
        defer { refused.terminate() }
        #expect(try refused.waitForExit(timeout: 10) == 64)
        #expect(refused.standardError.contains("bad mtu '540'"), "\(refused.standardError)")
    }

    // MARK: - Bad input

    @Test func serveOutlivesBadInputWithBoundedMemory() throws {
        let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { server.process.terminate() }
        // A well-behaved conversation first, so that the baseline holds the working set of one.
        let warmUp = try KCPReferencePeer.runClient(port: server.port, count: 1000, seed: 1)
        #expect(warmUp.hasPrefix("ok 1000 "), "\(warmUp)")
        let before = try Self.residentKiB(of: server.process)

        // Truncated segments, lengths past the datagram or of 2^32-1, unknown commands, a datagram mixing two
        // conversations, acknowledgements and probes of unknown conversations, a message of 256 fragments, 20,000
        // messages of 1300 bytes under a window of 0, 5,000 datagrams of 50 window probes, 500 conversations.
        let report = try KCPReferencePeer.runHostile(port: server.port)
        #expect(report.contains("failures: 0"), "\(report)")
        let afterBadInput = try Self.residentKiB(of: server.process)

        let after = try KCPReferencePeer.runClient(port: server.port, count: 1000, seed: 2)
        #expect(after.hasPrefix("ok 1000 "), "\(after)")
        #expect(server.process.process.isRunning)
        // The window-0 peer alone would pin 20,000 echoes (some 26 MB of payload) if the server queued them all.
        let growth = afterBadInput - before
        #expect(growth < 24 * 1024, "VmRSS grew by \(growth) KiB, from \(before) KiB; report: \(report)")
    }

    // MARK: - A dead peer

    @Test func connectGivesUpOnAPeerThatIsNotThereAfterTheKCPTimeout() throws {
        let port = try Launch.closedUDPPort()
        let client = try ChildProcess(Peers.gamenet, ["connect", "kcp://127.0.0.1:\(port)", "--kcp-timeout", "2s"])
        defer { client.terminate() }
        // Input stays open: only the KCP timeout can end the command.
        try client.write(Data("anyone there?\n".utf8))
        let start = Date()
        let status = try client.waitForExit(timeout: 10)
        let elapsed = Date().timeIntervalSince(start)
        #expect(status == 74, "\(client.standardError)")
        #expect(elapsed > 1.5 && elapsed < 5, "exited after \(elapsed) s")
        #expect(client.standardError.contains("KCP peer silent for 2s"), "\(client.standardError)")
    }

    @Test func connectGivesUpOnAPeerThatDiesMidConversation() throws {
        let server = try KCPReferencePeer.startEchoServer()
        defer { server.process.forceStop() }
        let client = try ChildProcess(Peers.gamenet, ["connect", "kcp://127.0.0.1:\(server.port)", "--kcp-timeout", "2s"])
        defer { client.terminate() }
        try client.write(Data("first\n".utf8))
        #expect(client.waitForStandardOutput(count: 6, timeout: 10) == Data("first\n".utf8))

        server.process.forceStop()
        try client.write(Data("second\n".utf8))
        let start = Date()
        let status = try client.waitForExit(timeout: 10)
        let elapsed = Date().timeIntervalSince(start)
        #expect(status == 74, "\(client.standardError)")
        #expect(elapsed < 5, "exited after \(elapsed) s")
        #expect(client.standardError.contains("KCP peer"), "\(client.standardError)")
    }
}

// MARK: - Helpers

extension KCPInteropTests {
    /// `gamenet impair udp://127.0.0.1:0 udp://127.0.0.1:PORT --loss N%` in front of `port`, unless `lossPercent`
    /// is 0; returns the port to send to and the impair process.
    static func throughImpair(to port: Int, lossPercent: Int) throws -> (port: Int, process: ChildProcess?) {
        guard lossPercent > 0 else { return (port, nil) }
        let impair = try Launch.gamenetListening([
            "impair", "udp://127.0.0.1:0", "udp://127.0.0.1:\(port)", "--loss", "\(lossPercent)%", "--seed", "7",
        ])
        return (impair.port, impair.process)
    }

    /// `count` lines of 1 to 3000 printable bytes (mostly under 200, a twentieth over one 1376-byte segment), each
    /// starting with its number.
    static func lines(count: Int, seed: UInt64) -> Data {
        var generator = SplitMix64(seed: seed)
        var data = Data()
        for index in 0..<count {
            let roll = Int.random(in: 0..<100, using: &generator)
            let size =
                roll < 70
                ? Int.random(in: 1...200, using: &generator)
                : roll < 95 ? Int.random(in: 201...1400, using: &generator) : Int.random(in: 1401...3000, using: &generator)
            var line = Array("\(index):".utf8)
            while line.count < size {
                line.append(UInt8.random(in: 33...126, using: &generator))
            }
            data.append(contentsOf: line.prefix(size))
            data.append(0x0A)
        }
        return data
    }

    /// Expects `output` to equal `input`, naming the first line that differs.
    static func expectSameLines(_ output: Data, _ input: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        guard output != input else { return }
        let got = output.split(separator: 0x0A, omittingEmptySubsequences: false)
        let sent = input.split(separator: 0x0A, omittingEmptySubsequences: false)
        let first = zip(got, sent).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, sent.count)
        let comment = Comment(
            rawValue: "output (\(output.count) bytes, \(got.count - 1) lines) differs from input (\(input.count) "
                + "bytes, \(sent.count - 1) lines) from line \(first)"
        )
        Issue.record(comment, sourceLocation: sourceLocation)
    }

    /// The resident set size of a child, from `/proc/PID/status`.
    static func residentKiB(of process: ChildProcess) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else {
            throw TestFailure("no VmRSS in /proc/\(process.process.processIdentifier)/status")
        }
        return kib
    }
}

/// SplitMix64: a seeded generator, so that every run sends the same messages.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The error of a sending thread, read by the test once the thread is done.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?

    func record(_ error: any Error) {
        self.lock.lock()
        defer { self.lock.unlock() }
        self.error = error
    }

    var failure: (any Error)? {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.error
    }
}
