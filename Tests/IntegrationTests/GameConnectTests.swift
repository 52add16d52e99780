import Foundation
import Testing

/// `gamenet connect URL --room NAME`: game clients of `gamenet serve` talking to each other.
@Suite(.timeLimit(.minutes(2)))
struct GameConnectTests {
    /// Waits until `process` has printed `text` on standard output, for at most `timeout` seconds.
    private static func waitForOutput(_ process: ChildProcess, containing text: String, timeout: TimeInterval = 10)
        -> String
    {
        let deadline = Date().addingTimeInterval(timeout)
        var output = ""
        while Date() < deadline {
            output = String(decoding: process.standardOutput, as: UTF8.self)
            if output.contains(text) {
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return output
    }

    @Test func twoConnectClientsOverTCPAndWebSocketChatInARoom() throws {
        let server = try Launch.gamenetListening(["serve", "--listen", "127.0.0.1:0"])
        defer { server.process.terminate() }
        let alice = try ChildProcess(
            Peers.gamenet,
            ["connect", "tcp://127.0.0.1:\(server.port)", "--room", "lobby", "--name", "alice"]
        )
        defer { alice.terminate() }
        #expect(Self.waitForOutput(alice, containing: "[lobby] * joined").contains("members: alice"))

        let bob = try ChildProcess(
            Peers.gamenet,
            ["connect", "ws://127.0.0.1:\(server.port)/", "--room", "lobby", "--name", "bob", "--json"]
        )
        defer { bob.terminate() }
        #expect(Self.waitForOutput(bob, containing: #""type":"joined""#).contains(#"{"name":"bob""#))
        #expect(Self.waitForOutput(alice, containing: "[lobby] * bob joined").contains("bob joined"))

        try alice.write(Data("hello bob\n".utf8))
        let bobSees = Self.waitForOutput(bob, containing: "hello bob")
        #expect(bobSees.contains(#""payload":"hello bob""#) && bobSees.contains(#""senderName":"alice""#))
        try bob.write(Data("hi alice\n".utf8))
        #expect(Self.waitForOutput(alice, containing: "[lobby] bob: hi alice").contains("[lobby] bob: hi alice"))

        // The end of input says goodbye: the others see the member leave, and the client exits 0.
        try bob.closeInput()
        #expect(try bob.waitForExit() == 0)
        #expect(Self.waitForOutput(alice, containing: "[lobby] * bob left").contains("[lobby] * bob left"))
        try alice.closeInput()
        #expect(try alice.waitForExit() == 0)
    }

    @Test func aConnectClientWithUDPBroadcastsOverUDPAndMeasuresRoundTrips() throws {
        let server = try Launch.gamenetListening(["serve", "--listen", "127.0.0.1:0"])
        defer { server.process.terminate() }
        let bob = try ChildProcess(
            Peers.gamenet,
            ["connect", "ws://127.0.0.1:\(server.port)/", "--room", "field", "--name", "bob", "--json"]
        )
        defer { bob.terminate() }
        #expect(Self.waitForOutput(bob, containing: #""type":"joined""#).contains(#""name":"bob""#))
        let alice = try ChildProcess(
            Peers.gamenet,
            ["connect", "tcp://127.0.0.1:\(server.port)", "--room", "field", "--name", "alice", "--udp"]
        )
        defer { alice.terminate() }
        #expect(Self.waitForOutput(alice, containing: "UDP bound").contains("[field] * UDP bound"))

        try alice.write(Data("/rtt\nover udp\n//slash\n".utf8))
        let aliceSees = Self.waitForOutput(alice, containing: "rtt tcp")
        #expect(aliceSees.contains("[field] * rtt udp ") && aliceSees.contains("[field] * rtt tcp "))
        // Unreliable messages are never sequenced: the JSON has no "seq".
        let bobSees = Self.waitForOutput(bob, containing: #""payload":"/slash""#)
        let lines = bobSees.split(separator: "\n").filter { $0.contains(#""type":"roomMessage""#) }
        #expect(lines.count == 2 && lines.allSatisfy { !$0.contains(#""seq""#) })
        #expect(lines.first?.contains(#""payload":"over udp""#) == true)

        try bob.write(Data("/rtt\n".utf8))
        #expect(Self.waitForOutput(bob, containing: #""type":"rtt""#).contains(#""transport":"ws""#))
        try alice.closeInput()
        #expect(try alice.waitForExit() == 0)
        try bob.closeInput()
        #expect(try bob.waitForExit() == 0)
    }

    @Test func aConnectClientWhoseLinkDropsResumesAndPrintsWhatItMissedOnce() throws {
        let server = try Launch.gamenetListening(["serve", "--listen", "127.0.0.1:0"])
        defer { server.process.terminate() }
        // Alice reaches the server through a relay; killing the relay drops her link without touching the server.
        let relay = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:0", "tcp://127.0.0.1:\(server.port)"])
        defer { relay.process.forceStop() }
        let alice = try ChildProcess(
            Peers.gamenet,
            ["connect", "tcp://127.0.0.1:\(relay.port)", "--room", "lobby", "--name", "alice"]
        )
        defer { alice.terminate() }
        #expect(Self.waitForOutput(alice, containing: "[lobby] * joined").contains("members: alice"))

        let bob = try ChildProcess(
            Peers.gamenet,
            ["connect", "ws://127.0.0.1:\(server.port)/", "--room", "lobby", "--name", "bob"]
        )
        defer { bob.terminate() }
        try bob.write(Data("one\n".utf8))
        #expect(Self.waitForOutput(alice, containing: "[lobby] bob: one").contains("bob: one"))

        relay.process.forceStop()
        // Bob goes on while alice is away; her session keeps these for the resume.
        try bob.write(Data("two\nthree\n".utf8))
        Thread.sleep(forTimeInterval: 0.5)
        let again = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:\(relay.port)", "tcp://127.0.0.1:\(server.port)"])
        defer { again.process.forceStop() }
        let output = Self.waitForOutput(alice, containing: "[lobby] bob: three")
        #expect(output.contains("* resumed session"))
        let messages = output.split(separator: "\n").filter { $0.hasPrefix("[lobby] bob: ") }
        #expect(messages == ["[lobby] bob: one", "[lobby] bob: two", "[lobby] bob: three"])
        try bob.write(Data("four\n".utf8))
        #expect(Self.waitForOutput(alice, containing: "[lobby] bob: four").contains("bob: four"))
    }
}
