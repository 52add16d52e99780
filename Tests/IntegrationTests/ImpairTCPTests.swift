import Foundation
import Testing

/// `gamenet impair` over TCP, with socat or gamenet's echo as the far end: stream semantics (delay without loss or
/// reordering, a bandwidth cap with backpressure) and toxiproxy-style faults.
@Suite(.timeLimit(.minutes(1)))
struct ImpairTCPTests {
    private func echo() throws -> (process: ChildProcess, port: Int) {
        try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
    }

    @Test func delayAppliesEachWayAndKeepsEveryByteInOrder() throws {
        let server = try self.echo()
        defer { server.process.terminate() }
        let impair = try Launch.gamenetListening([
            "impair", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(server.port)", "--delay", "40ms", "--jitter", "10ms",
            "--loss", "50%", "--seed", "3",
        ])
        defer { impair.process.terminate() }

        let client = try TCPTestClient(port: impair.port)
        let start = Date()
        try client.send(Array("ping".utf8))
        #expect(try client.receive(upTo: 4) == Array("ping".utf8))
        let roundTrip = Date().timeIntervalSince(start)
        // Two one-way delays of 40 ms ± 10 ms; loss does not apply to a stream.
        #expect(roundTrip >= 0.060 && roundTrip < 0.5, "round trip \(roundTrip)s")

        var generator = SystemRandomNumberGenerator()
        let payload = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try client.send(payload)
        #expect(try client.receive(upTo: payload.count) == payload)
    }

    @Test func rateCapsThroughputWithoutLosingData() throws {
        let server = try self.echo()
        defer { server.process.terminate() }
        // 800 kbit/s = 100,000 bytes/s each way; 150,000 bytes take about 1.5 s up and overlap coming back.
        let impair = try Launch.gamenetListening([
            "impair", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(server.port)", "--rate", "800kbit",
        ])
        defer { impair.process.terminate() }

        let client = try TCPTestClient(port: impair.port)
        let payload = [UInt8](repeating: 0x42, count: 150_000)
        let start = Date()
        let sender = Thread { try? client.send(payload) }
        sender.start()
        let received = try client.receive(upTo: payload.count)
        let elapsed = Date().timeIntervalSince(start)
        #expect(received.count == payload.count)
        #expect(elapsed > 1.3 && elapsed < 3.5, "150,000 bytes at 100,000 bytes/s took \(elapsed)s")
    }

    @Test func resetAfterCutsTheConnectionWithRST() throws {
        let server = try self.echo()
        defer { server.process.terminate() }
        let impair = try Launch.gamenetListening([
            "impair", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(server.port)", "--reset-after", "10000",
        ])
        defer { impair.process.terminate() }
        let client = try ChildProcess(Peers.gamenet, ["connect", "tcp://127.0.0.1:\(impair.port)"])
        try client.write(Data(repeating: 0x41, count: 100_000))
        try client.closeInput()
        #expect(try client.waitForExit() == 74)
        #expect(client.standardError.contains("Connection reset by peer"))
        #expect(client.standardOutput.count < 10_000)
    }

    @Test func outageHoldsStreamDataUntilTheLinkComesBack() throws {
        let server = try self.echo()
        defer { server.process.terminate() }
        let impair = try Launch.gamenetListening([
            "impair", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(server.port)", "--outage", "1s@0s",
        ])
        defer { impair.process.terminate() }
        let client = try TCPTestClient(port: impair.port)
        let start = Date()
        try client.send(Array("held".utf8))
        #expect(try client.receive(upTo: 4) == Array("held".utf8))
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed > 0.5 && elapsed < 3, "the outage should hold data, not drop it: \(elapsed)s")
    }

    @Test(.enabled(if: Peers.available("socat"), "socat is not installed: apt-get install socat"))
    func slowCloseDelaysTheEndOfTheStream() throws {
        let sink = try Launch.socatListening(["-u", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "-"])
        defer { sink.process.terminate() }
        let impair = try Launch.gamenetListening([
            "impair", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(sink.port)", "--slow-close", "700ms",
        ])
        defer { impair.process.terminate() }
        let client = try TCPTestClient(port: impair.port)
        try client.send(Array("bye\n".utf8))
        let start = Date()
        client.shutdownOutput()
        #expect(try sink.process.waitForExit(timeout: 5) == 0)
        let elapsed = Date().timeIntervalSince(start)
        #expect(String(decoding: sink.process.standardOutput, as: UTF8.self) == "bye\n")
        #expect(elapsed > 0.6, "the end of the stream arrived after \(elapsed)s")
    }
}
