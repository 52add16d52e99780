import Foundation
import Testing

/// `gamenet serve --echo` answered by socat clients, and its behaviour on signals.
@Suite(.timeLimit(.minutes(1)))
struct ServeEchoTests {
    @Test(.enabled(if: Peers.available("socat"), "socat is not installed: apt-get install socat"))
    func echoesTCPAndUDPOnOnePortNumber() throws {
        let server = try ChildProcess(Peers.gamenet, ["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { server.terminate() }
        let tcpPort = try server.waitForStandardError(matching: #"listening on tcp://127\.0\.0\.1:([0-9]+)"#)[1]
        let udpPort = try server.waitForStandardError(matching: #"listening on udp://127\.0\.0\.1:([0-9]+)"#)[1]
        #expect(tcpPort == udpPort)

        let socat = try Peers.require("socat")
        let tcpClient = try ChildProcess(socat, ["-t", "5", "-", "TCP:127.0.0.1:\(tcpPort)"])
        try tcpClient.write(Data("over tcp\n".utf8))
        try tcpClient.closeInput()
        #expect(try tcpClient.waitForExit() == 0)
        #expect(String(decoding: tcpClient.standardOutput, as: UTF8.self) == "over tcp\n")

        let udpClient = try ChildProcess(socat, ["-t", "1", "-", "UDP:127.0.0.1:\(udpPort)"])
        try udpClient.write(Data("over udp\n".utf8))
        let reply = udpClient.waitForStandardOutput(count: 9, timeout: 5)
        try udpClient.closeInput()
        try udpClient.waitForExit()
        #expect(String(decoding: reply, as: UTF8.self) == "over udp\n")
    }

    @Test func sigtermExitsZeroPromptlyWithAConnectionOpen() throws {
        let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        let client = try TCPTestClient(port: server.port)
        try client.send(Array("ping".utf8))
        #expect(try client.receive(upTo: 4) == Array("ping".utf8))

        let start = Date()
        server.process.signal(SIGTERM)
        #expect(try server.process.waitForExit(timeout: 5) == 0)
        #expect(Date().timeIntervalSince(start) < 1.5)
        // The server closed the connection cleanly: the client reads end of stream.
        #expect(try client.receive() == [])
    }

    @Test func sigintStopsAProxyWithExitZero() throws {
        let proxy = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9"])
        proxy.process.signal(SIGINT)
        #expect(try proxy.process.waitForExit(timeout: 5) == 0)
    }

    @Test func jsonPrintsListeningEventsOnStandardOutput() throws {
        let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0", "--json"])
        defer { server.process.terminate() }
        let lines = String(decoding: server.process.waitForStandardOutput(count: 100, timeout: 2), as: UTF8.self)
            .split(separator: "\n")
        #expect(lines.first == #"{"event":"listening","url":"tcp://127.0.0.1:\#(server.port)"}"#)
        #expect(lines.dropFirst().first == #"{"event":"listening","url":"udp://127.0.0.1:\#(server.port)"}"#)
    }
}
