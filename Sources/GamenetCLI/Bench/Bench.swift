import ArgumentParser

extension GamenetCommand {
    /// `gamenet bench`: latency, throughput, connection scale and loss behaviour of every transport.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure round-trip time, throughput, connection scale and behaviour under loss.",
            discussion: """
                With no subcommand, gamenet starts its own echo server on 127.0.0.1 (TCP, WebSocket, UDP and KCP \
                on one port number) and compares the round-trip time of each transport at 32, 256 and 1,200 bytes: \
                percentiles from an HdrHistogram, a warm-up that is not recorded, a fresh connection per case, \
                and each transport's median over TCP's. Figures from a debug build are not representative; use \
                swift run -c release gamenet bench.
                Examples:
                  gamenet bench
                  gamenet bench rtt tcp://127.0.0.1:7350 ws://127.0.0.1:7350/ --size 64 --json
                  gamenet bench loss --delay 25ms --loss 5%
                """,
            subcommands: [Compare.self, RoundTrip.self, Throughput.self, Conns.self, Loss.self, FEC.self],
            defaultSubcommand: Compare.self
        )
    }
}
