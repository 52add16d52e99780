import Foundation
import Testing

/// The limits a proxy enforces: how many connections it relays and how long an idle UDP flow lives.
@Suite(.timeLimit(.minutes(1)))
struct ProxyLimitsTests {
    @Test func connectionsPastMaxConnsAreClosed() throws {
        let echo = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { echo.process.terminate() }
        let proxy = try Launch.gamenetListening([
            "proxy", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(echo.port)", "--max-conns", "1",
        ])
        defer { proxy.process.terminate() }

        let first = try TCPTestClient(port: proxy.port)
        try first.send(Array("one".utf8))
        #expect(try first.receive(upTo: 3) == Array("one".utf8))

        let second = try TCPTestClient(port: proxy.port)
        #expect(try second.receive() == [], "the second connection should be closed")
        _ = try proxy.process.waitForStandardError(matching: "refusing connection from .*: 1 connections already open")

        try first.send(Array("still here".utf8))
        #expect(try first.receive(upTo: 10) == Array("still here".utf8))
    }

    @Test func idleUDPFlowsExpire() throws {
        let echo = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { echo.process.terminate() }
        let proxy = try Launch.gamenetListening([
            "proxy", "udp://127.0.0.1:0", "udp://127.0.0.1:\(echo.port)", "--udp-timeout", "200ms", "-v",
        ])
        defer { proxy.process.terminate() }

        let client = try UDPTestClient(port: proxy.port)
        try client.send(Array("hello".utf8))
        #expect(client.receive() == Array("hello".utf8))
        _ = try proxy.process.waitForStandardError(matching: "udp flow from .* closed", timeout: 5)

        // The peer's next datagram opens a new flow.
        try client.send(Array("again".utf8))
        #expect(client.receive() == Array("again".utf8))
    }

    @Test func tcpClientHalfCloseThroughAUDPBridgeLingersForReplies() throws {
        let echo = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
        defer { echo.process.terminate() }
        let proxy = try Launch.gamenetListening([
            "proxy", "tcp://127.0.0.1:0", "udp://127.0.0.1:\(echo.port)", "--framing", "lines", "--wait", "300ms",
        ])
        defer { proxy.process.terminate() }

        let client = try TCPTestClient(port: proxy.port)
        try client.send(Array("a\nb\nc\n".utf8))
        client.shutdownOutput()
        // Every reply that arrives within --wait of the last one is delivered, then the proxy closes the connection.
        #expect(try client.receive() == Array("a\nb\nc\n".utf8))
    }
}
