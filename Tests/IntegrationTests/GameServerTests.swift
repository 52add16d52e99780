import Foundation
import Testing

/// `gamenet serve` as a game server, driven by a Python client written from the GameProtocol article.
@Suite(.timeLimit(.minutes(2)), .enabled(if: Peers.hasPython, Peers.pythonMissing))
struct GameServerTests {
    static func startServer(_ extra: [String] = []) throws -> (process: ChildProcess, port: Int) {
        try Launch.gamenetListening(["serve", "--listen", "127.0.0.1:0", "-v"] + extra)
    }

    @Test func tcpAndWebSocketJSONClientsShareARoom() throws {
        let server = try Self.startServer()
        defer { server.process.terminate() }
        #expect(try GameProtocolPeer.run("rooms", port: server.port).contains("ok rooms"))
    }

    @Test func aDroppedTCPClientResumesAndGetsEveryMissedMessageOnceInOrder() throws {
        let server = try Self.startServer()
        defer { server.process.terminate() }
        #expect(try GameProtocolPeer.run("resume", port: server.port).contains("ok resume"))
    }

    @Test func garbageHugePrefixAndFloodAreCutOffWhileOthersKeepTheirMessages() throws {
        let server = try Self.startServer()
        defer { server.process.terminate() }
        // The scenario also reads /metrics and /status and checks their counters.
        #expect(try GameProtocolPeer.run("hostile", port: server.port).contains("ok hostile"))
        let log = try server.process.waitForStandardError(matching: #"closing tcp connection [0-9]+: (rateLimit)"#)
        #expect(log[1] == "rateLimit")
    }

    @Test func aBoundUDPAddressGetsUnreliableBroadcasts() throws {
        let server = try Self.startServer()
        defer { server.process.terminate() }
        #expect(try GameProtocolPeer.run("udp", port: server.port).contains("ok udp"))
    }

    @Test(.enabled(if: KCPReferencePeer.isAvailable, KCPReferencePeer.missing))
    func aKCPConversationOnTheUDPPortIsAReliableConnection() throws {
        let server = try Self.startServer()
        defer { server.process.terminate() }
        #expect(try GameProtocolPeer.run("kcp", port: server.port).contains("ok kcp"))
    }

    @Test func sigtermSaysGoodbyeToEveryClientAndExitsZero() throws {
        let server = try Self.startServer(["--drain", "2s"])
        defer { server.process.terminate() }
        let output = try GameProtocolPeer.run("shutdown", port: server.port) { client in
            _ = client.waitForStandardOutput(count: 6, timeout: 20)
            server.process.signal(SIGTERM)
        }
        #expect(output.contains("ok shutdown"))
        #expect(try server.process.waitForExit(timeout: 5) == 0)
    }

    @Test func configFileSetsTheLimitsAndFlagsOverrideIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gamenet-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("game.json")
        try Data(#"{"heartbeat":"5s","rate":20,"maxRooms":4,"queueBytes":"1MiB"}"#.utf8).write(to: file)
        let server = try Self.startServer(["--config", file.path, "--rate", "30"])
        defer { server.process.terminate() }
        let line = try server.process.waitForStandardError(matching: #"game server: (.*)"#)[1]
        #expect(line.contains("heartbeat 5s"))
        #expect(line.contains("rate 30/s"))
        #expect(line.contains("max-rooms 4"))
        #expect(line.contains("queue-bytes 1048576"))
    }

    @Test func aBadConfigFileIsRefusedWithOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gamenet-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("game.json")
        try Data(#"{"heartbeat":15}"#.utf8).write(to: file)
        let server = try ChildProcess(Peers.gamenet, ["serve", "--listen", "127.0.0.1:0", "--config", file.path])
        #expect(try server.waitForExit() == 65)
        #expect(server.standardError.contains("gamenet: error: --config"))
        #expect(server.standardError.contains("heartbeat"))
    }
}
