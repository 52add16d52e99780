import GamenetCore
import NIOCore

/// Opens many concurrent connections to an echo server and keeps them open: how fast they open, how many fail, and
/// (measured by the caller between phases) what they cost the server.
///
/// The phases: connect every connection, at most `concurrency` attempts at a time, spread over `sourceAddresses`
/// (each loopback address has its own 28,000 or so ephemeral ports); then idle; then one message on each, waiting
/// for every echo; then `hold`, with a message on each every `interval`; then close them all.
package struct ConnectionScaleBenchmark: Sendable {
    /// Where the benchmark is; the caller measures the server at each.
    package enum Phase: Sendable {
        case connected
        case echoedOnce
    }

    /// What the run saw.
    package struct Report: Sendable {
        package var connected = 0
        package var failed = 0
        package var connectSeconds = 0.0
        /// The first connect failure, for the error message.
        package var firstFailure: String?
        package var echoesExpected = 0
        package var echoesReceived = 0
        /// Connections the server closed before the end.
        package var dropped = 0
    }

    package var endpoint: NetworkEndpoint
    package var count: Int
    package var concurrency = 256
    package var messageSize = 32
    package var interval: Duration = .seconds(5)
    package var hold: Duration = .seconds(10)
    package var sourceAddresses: [SocketAddress] = []
    package var connector: EndpointConnector

    package init(endpoint: NetworkEndpoint, count: Int, connector: EndpointConnector) {
        self.endpoint = endpoint
        self.count = count
        self.connector = connector
    }

    /// Runs every phase; `phase` is called after the connections are open and after the first echo, so that the
    /// caller can read the server's memory then.
    package func run(
        group: any EventLoopGroup,
        phase: (Phase) async -> Void
    ) async -> Report {
        var report = Report()
        let tally = ConnectionTally()
        let isByteStream = self.endpoint.transport == .tcp
        var channels: [any Channel] = []
        channels.reserveCapacity(self.count)
        defer {
            for channel in channels { channel.close(promise: nil) }
        }

        let start = NIODeadline.now()
        var pending: [EventLoopFuture<any Channel>] = []
        var next = 0
        func collect(_ future: EventLoopFuture<any Channel>) async {
            do {
                channels.append(try await future.get())
                report.connected += 1
            } catch {
                report.failed += 1
                if report.firstFailure == nil { report.firstFailure = "\(error)" }
            }
        }
        for index in 0..<self.count {
            var connector = self.connector
            if !self.sourceAddresses.isEmpty {
                connector.sourceAddress = self.sourceAddresses[index % self.sourceAddresses.count]
            }
            let size = self.messageSize
            let future = connector.connect(
                to: .network(self.endpoint),
                on: group.next(),
                framing: nil,
                maximumMessageLength: 1 << 16
            ).flatMapThrowing { channel -> any Channel in
                try channel.pipeline.syncOperations.addHandler(
                    ConnectionProbeHandler(tally: tally, size: size, isByteStream: isByteStream)
                )
                channel.pipeline.fireUserInboundEventTriggered(RelayEvent.started)
                _ = channel.setOption(.autoRead, value: true)
                return channel
            }
            pending.append(future)
            if pending.count - next >= self.concurrency {
                await collect(pending[next])
                next += 1
            }
        }
        while next < pending.count {
            await collect(pending[next])
            next += 1
        }
        report.connectSeconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        pending.removeAll()

        // Let the server settle (accept queues drained, buffers released) before it is measured.
        try? await Task.sleep(for: .seconds(1))
        await phase(.connected)

        var message = ByteBuffer()
        message.writeRepeatingByte(0x5A, count: self.messageSize)
        func sendRound() {
            for channel in channels {
                channel.writeAndFlush(message, promise: nil)
            }
        }
        func awaitEchoes(_ expected: Int, within seconds: Double) async {
            let deadline = NIODeadline.now() + .nanoseconds(Int64(seconds * 1e9))
            while tally.echoes < expected, NIODeadline.now() < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }

        report.echoesExpected = channels.count
        sendRound()
        await awaitEchoes(report.echoesExpected, within: 10)
        try? await Task.sleep(for: .milliseconds(500))
        await phase(.echoedOnce)

        let holdEnd = NIODeadline.now() + .nanoseconds(self.hold.totalNanoseconds)
        while NIODeadline.now() < holdEnd {
            let wait = min(self.interval.totalNanoseconds, (holdEnd - NIODeadline.now()).nanoseconds)
            try? await Task.sleep(for: .nanoseconds(max(wait, 0)))
            guard NIODeadline.now() < holdEnd else { break }
            report.echoesExpected += channels.count
            sendRound()
        }
        await awaitEchoes(report.echoesExpected, within: 10)
        report.echoesReceived = tally.echoes
        report.dropped = tally.closedCount
        return report
    }
}
