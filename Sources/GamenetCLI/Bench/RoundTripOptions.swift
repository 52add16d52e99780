import ArgumentParser
import GamenetCore

/// What shapes a round-trip case: message sizes, timing and parallelism.
struct RoundTripOptions: ParsableArguments {
    @Option(
        name: .customLong("size"),
        help: ArgumentHelp("Bytes per message (at least 16); repeatable, one case per size.", valueName: "bytes")
    )
    var sizes: [ByteCount] = []

    @Option(help: "How long each case is measured, after its warm-up (default: 1.5s with no URL, 5s for rtt).")
    var duration: Duration?

    @Option(help: "How long each case runs before measuring starts; its round trips are discarded.")
    var warmup: Duration = .milliseconds(200)

    @Option(help: "Connections per case, each with its own loop of messages.")
    var connections: Int = 1

    @Option(
        help: ArgumentHelp(
            "Send this many messages per second on each connection whatever the replies do (open loop), timing each from when it was due; without it, one message is in flight at a time (closed loop).",
            valueName: "n/s"
        ),
        transform: RoundTripOptions.parseRate
    )
    var rate: Double?

    func validate() throws {
        for size in self.sizes where size.bytes < RoundTripProbe.headerLength || size.bytes > 16 << 20 {
            throw ValidationError("--size \(size.bytes) is out of range: a message is 16 B to 16 MiB")
        }
        guard self.connections >= 1, self.connections <= 10_000 else {
            throw ValidationError("--connections must be 1 to 10000")
        }
        if let duration, duration <= .zero { throw ValidationError("--duration must be more than 0") }
        guard self.warmup >= .zero else { throw ValidationError("--warmup cannot be negative") }
    }

    /// `N`, `N/s` or `Nhz`: messages per second.
    static func parseRate(_ text: String) throws -> Double {
        var number = Substring(text.lowercased())
        for suffix in ["/s", "hz"] where number.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
        }
        guard let rate = Double(number), rate.isFinite, rate > 0, rate <= 10_000_000 else {
            throw ValidationError("'\(text)' is not a message rate; write it as 1000 or 1000/s")
        }
        return rate
    }
}
