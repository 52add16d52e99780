import Foundation
import Testing

/// `gamenet serve` under load that a client makes on purpose: a member that never reads, a KCP member that stops
/// acknowledging, and 1,000 clients churning through rooms while one broadcasts; driven by the Python client of
/// ``GameProtocolPeer``.
///
/// Each scenario keeps a test thread blocked for up to 40 s while it waits for its Python client; `.ci/run` runs the
/// integration tests one at a time for that reason.
@Suite(.timeLimit(.minutes(2)), .serialized, .enabled(if: Peers.hasPython, Peers.pythonMissing))
struct GameServerLoadTests {
    @Test func aClientThatNeverReadsIsCutOffWhileOthersGetEveryMessage() throws {
        let server = try GameServerTests.startServer(["--queue-bytes", "256KiB", "--rate", "100000"])
        defer { server.process.terminate() }
        #expect(try GameProtocolPeer.run("stalled", port: server.port).contains("ok stalled"))
    }

    @Test(.enabled(if: KCPReferencePeer.isAvailable, KCPReferencePeer.missing))
    func aKCPClientThatStopsAcknowledgingIsCutOff() throws {
        let server = try GameServerTests.startServer(["--queue-bytes", "256KiB", "--rate", "100000"])
        defer { server.process.terminate() }
        #expect(try GameProtocolPeer.run("stalled-kcp", port: server.port).contains("ok stalled kcp"))
    }

    @Test func aThousandClientsChurningLeaveARoomBroadcastWhole() throws {
        let server = try GameServerTests.startServer(["--rate", "1000"])
        defer { server.process.terminate() }
        #expect(try GameProtocolPeer.run("churn", port: server.port, timeout: 110).contains("ok churn"))
    }
}
