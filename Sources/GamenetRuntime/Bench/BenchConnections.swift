import GamenetCore
import NIOCore

/// Opening the client connections of a benchmark case and handing each to its measuring handler.
enum BenchConnections {
    /// Opens `count` connections to `endpoint`, spread over `group`'s event loops, with reads still off.
    static func open(
        _ count: Int,
        to endpoint: NetworkEndpoint,
        connector: EndpointConnector,
        group: any EventLoopGroup,
        maximumMessageLength: Int
    ) async throws -> [any Channel] {
        var channels: [any Channel] = []
        do {
            for _ in 0..<count {
                channels.append(
                    try await connector.connect(
                        to: .network(endpoint),
                        on: group.next(),
                        framing: nil,
                        maximumMessageLength: max(maximumMessageLength, 1 << 20)
                    ).get()
                )
            }
        } catch {
            for channel in channels { channel.close(promise: nil) }
            throw error
        }
        return channels
    }

    /// Adds the handler `makeHandler` makes, on the channel's event loop, at the end of `channel`'s pipeline and starts
    /// reading; what arrived before is passed on.
    static func start(on channel: any Channel, _ makeHandler: @escaping @Sendable () -> any ChannelHandler) async throws {
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(makeHandler())
            channel.pipeline.fireUserInboundEventTriggered(RelayEvent.started)
            channel.setOption(.autoRead, value: true).whenFailure { _ in }
        }.get()
    }
}
