import Foundation
import Testing

/// 64 MiB byte-exact each way on one stream between gamenet and the real kcptun, in both tunnel directions: gamenet's
/// client to `kcptun-server`, and `kcptun-client` to gamenet's server.
///
/// A debug build of gamenet carries some 4 MB/s, so each transfer takes half a minute of both CPUs (`.ci/run` runs the
/// integration tests one at a time). Without FEC, whose Reed-Solomon coding is most of a debug build's time; the parallel cases of
/// ``TunnelKcptunTests`` cover FEC, encryption and both smux versions.
@Suite(
    .enabled(if: Peers.available("kcptun-server"), "kcptun is not installed: apt-get install kcptun"),
    .timeLimit(.minutes(3)),
    .serialized
)
struct TunnelKcptunLongTransferTests {
    /// Bytes of the long transfer, each way.
    static let longTransfer = 64 << 20
    static let testCase = TunnelKcptunTests.Case(crypt: "none", smuxver: 1, fec: (0, 0))

    @Test func gamenetClientToKcptunServer() throws {
        let (echo, echoPort) = try TunnelKcptunTests.echoTarget()
        defer { echo.terminate() }
        let (server, udpPort) = try TunnelKcptunTests.startKcptunServer(Self.testCase, target: echoPort)
        defer { server.terminate() }
        let (client, port) = try Launch.gamenetListening(
            ["tunnel", "client", "tcp://127.0.0.1:0", "udp://127.0.0.1:\(udpPort)"] + Self.testCase.gamenetArguments
        )
        defer { client.terminate() }
        try TunnelKcptunTests.echoThrough(port: port, streams: 1, bytesPerStream: Self.longTransfer, timeout: 120)
    }

    @Test func kcptunClientToGamenetServer() throws {
        let kcptunClient = try Peers.require("kcptun-client", package: "kcptun")
        let (echo, echoPort) = try TunnelKcptunTests.echoTarget()
        defer { echo.terminate() }
        let (server, udpPort) = try Launch.gamenetListening(
            ["tunnel", "server", "udp://127.0.0.1:0", "tcp://127.0.0.1:\(echoPort)"] + Self.testCase.gamenetArguments
        )
        defer { server.terminate() }
        let tcpPort = try Launch.closedTCPPort()
        let client = try ChildProcess(
            kcptunClient,
            ["--localaddr", "127.0.0.1:\(tcpPort)", "--remoteaddr", "127.0.0.1:\(udpPort)"]
                + Self.testCase.kcptunArguments
        )
        defer { client.terminate() }
        _ = try client.waitForStandardError(matching: "key derivation done")
        try TunnelKcptunTests.echoThrough(port: tcpPort, streams: 1, bytesPerStream: Self.longTransfer, timeout: 120)
    }
}
