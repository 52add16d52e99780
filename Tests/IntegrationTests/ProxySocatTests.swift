import Foundation
import GamenetTestSupport
import Testing

/// `gamenet proxy` between real socat peers: the data that goes in comes out, byte for byte and datagram for
/// datagram, and the end of a stream travels through the proxy as a half-close.
@Suite(.enabled(if: Peers.available("socat"), "socat is not installed: apt-get install socat"), .timeLimit(.minutes(2)))
struct ProxySocatTests {
    @Test func tcpToTCPCarries64MiBByteExact() throws {
        // One way, socat to socat through the proxy: a single socat process echoing through PIPE can stall with both
        // of its buffers full, which would test socat rather than gamenet.
        let directory = FileManager.default.temporaryDirectory
        let input = directory.appendingPathComponent("gamenet-64mib-in-\(getpid()).bin")
        let output = directory.appendingPathComponent("gamenet-64mib-out-\(getpid()).bin")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        var generator = SplitMix64(seed: 64)
        let payload = Data(generator.bytes(64 * 1024 * 1024))
        try payload.write(to: input)

        let sink = try Launch.socatListening(["-u", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "CREATE:\(output.path)"])
        defer { sink.process.terminate() }
        let proxy = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(sink.port)"])
        defer { proxy.process.terminate() }

        let source = try ChildProcess(
            try Peers.require("socat"),
            ["-u", "-", "TCP:127.0.0.1:\(proxy.port)"],
            standardInput: input
        )
        #expect(try source.waitForExit(timeout: 90) == 0, "socat source: \(source.standardError)")
        #expect(try sink.process.waitForExit(timeout: 30) == 0, "socat sink: \(sink.process.standardError)")
        let received = try Data(contentsOf: output)
        #expect(received.count == payload.count)
        #expect(received == payload)
    }

    @Test func standardInputEndReachesASocatServerAsHalfClose() throws {
        // `wc -c` answers only after its input ends: the answer arrives only if the proxy passes stdin's end on as a
        // TCP half-close and keeps reading the other direction.
        let server = try Launch.socatListening(["TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "EXEC:wc -c"])
        defer { server.process.terminate() }
        let proxy = try ChildProcess(Peers.gamenet, ["proxy", "-", "tcp://127.0.0.1:\(server.port)"])
        defer { proxy.terminate() }
        let line = Data(repeating: UInt8(ascii: "x"), count: 999) + Data("\n".utf8)
        for _ in 0..<100 {
            try proxy.write(line)
        }
        try proxy.closeInput()
        let status = try proxy.waitForExit(timeout: 10)
        #expect(status == 0, "gamenet: \(proxy.standardError)")
        let answer = String(decoding: proxy.standardOutput, as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        #expect(answer == "100000")
    }

    @Test func udpToUDPCarries10000DatagramsIntact() throws {
        let echo = try Launch.socatListening(["UDP-LISTEN:0,bind=127.0.0.1", "PIPE"])
        defer { echo.process.terminate() }
        let proxy = try Launch.gamenetListening(["proxy", "udp://127.0.0.1:0", "udp://127.0.0.1:\(echo.port)"])
        defer { proxy.process.terminate() }

        let client = try UDPTestClient(port: proxy.port)
        var generator = SplitMix64(seed: 10_000)
        var intact = 0
        // One datagram in flight at a time: socat's PIPE would join two queued datagrams into one.
        for index in 0..<10_000 {
            let size = 8 + Int(generator.next() % 1_200)
            var datagram = withUnsafeBytes(of: UInt64(index).bigEndian, Array.init)
            datagram += generator.bytes(size - 8)
            try client.send(datagram)
            guard let reply = client.receive() else {
                Issue.record("no reply to datagram \(index)")
                break
            }
            if reply == datagram { intact += 1 }
        }
        #expect(intact == 10_000)
    }

    @Test func tcpToUDPWithLength16Framing() throws {
        let echo = try Launch.socatListening(["UDP-LISTEN:0,bind=127.0.0.1", "PIPE"])
        defer { echo.process.terminate() }
        let proxy = try Launch.gamenetListening([
            "proxy", "tcp://127.0.0.1:0", "udp://127.0.0.1:\(echo.port)", "--framing", "len16",
        ])
        defer { proxy.process.terminate() }

        let client = try TCPTestClient(port: proxy.port)
        var generator = SplitMix64(seed: 16)
        for index in 0..<200 {
            let message = generator.bytes(1 + index * 7)
            let frame = [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
            try client.send(frame)
            let reply = try client.receive(upTo: frame.count)
            #expect(reply == frame, "message \(index)")
        }
    }

    @Test func udpToTCPWithLineFraming() throws {
        let echo = try Launch.socatListening(["TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork", "PIPE"])
        defer { echo.process.terminate() }
        let proxy = try Launch.gamenetListening([
            "proxy", "udp://127.0.0.1:0", "tcp://127.0.0.1:\(echo.port)", "--framing", "lines",
        ])
        defer { proxy.process.terminate() }

        let client = try UDPTestClient(port: proxy.port)
        for index in 0..<200 {
            let message = Array("move \(index) north".utf8)
            try client.send(message)
            #expect(client.receive() == message, "message \(index)")
        }
    }

    @Test func tcpToStandardIOServesOneConnection() throws {
        let proxy = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:0", "-"])
        defer { proxy.process.terminate() }
        let client = try ChildProcess(try Peers.require("socat"), ["-t", "5", "-", "TCP:127.0.0.1:\(proxy.port)"])
        defer { client.terminate() }
        try client.write(Data("hello from socat\n".utf8))
        let forwarded = proxy.process.waitForStandardOutput(count: 17)
        #expect(String(decoding: forwarded, as: UTF8.self) == "hello from socat\n")

        try proxy.process.write(Data("hello from stdin\n".utf8))
        try proxy.process.closeInput()
        try client.closeInput()
        #expect(try client.waitForExit() == 0)
        #expect(String(decoding: client.standardOutput, as: UTF8.self) == "hello from stdin\n")
        #expect(try proxy.process.waitForExit() == 0)
    }
}

/// Memory stays bounded when one side of a relay cannot keep up.
@Suite(.enabled(if: Peers.available("socat"), "socat is not installed: apt-get install socat"), .timeLimit(.minutes(1)))
struct ProxyBackpressureTests {
    /// The resident memory of a process in KiB, from /proc.
    private func residentKiB(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    @Test func aTargetThatStopsReadingStopsReadsFromTheClient() throws {
        // socat hands the connection to `sleep`, which never reads: once the pipe and the socket buffers are full,
        // nothing more can leave the proxy.
        let sink = try Launch.socatListening(["-u", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "SYSTEM:sleep 30"])
        defer { sink.process.terminate() }
        let proxy = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(sink.port)"])
        defer { proxy.process.terminate() }
        let before = try self.residentKiB(proxy.process.process.processIdentifier)

        let client = try TCPTestClient(port: proxy.port, timeout: 1)
        let chunk = [UInt8](repeating: 0x5a, count: 64 * 1024)
        var sent = 0
        // Bounded: at most 256 MiB, and the first send that blocks for a second ends the loop.
        while sent < 256 * 1024 * 1024, (try? client.send(chunk)) != nil {
            sent += chunk.count
        }
        let after = try self.residentKiB(proxy.process.process.processIdentifier)
        #expect(sent < 64 * 1024 * 1024, "the proxy kept accepting data: \(sent) bytes")
        #expect(after - before < 32 * 1024, "resident memory grew from \(before) KiB to \(after) KiB")
    }
}
