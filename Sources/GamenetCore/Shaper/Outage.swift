/// A time when the link is down: everything sent is dropped (UDP) or held (TCP) for `duration`, starting `start`
/// after the shaper starts, and again every `every` if set (`--outage 5s@30s` or `5s@30s/60s`).
package struct Outage: Hashable, Sendable, CustomStringConvertible {
    package var duration: Duration
    package var start: Duration
    package var every: Duration?

    package init(duration: Duration, start: Duration, every: Duration? = nil) {
        self.duration = duration
        self.start = start
        self.every = every
    }

    /// Whether the link is down at `elapsed` nanoseconds after the shaper started.
    package func isActive(at elapsed: Int64) -> Bool {
        self.end(after: elapsed) != nil
    }

    /// The nanoseconds since the start at which the outage covering `elapsed` ends, or `nil` if none covers it.
    package func end(after elapsed: Int64) -> Int64? {
        let start = self.start.totalNanoseconds
        let duration = self.duration.totalNanoseconds
        guard elapsed >= start else { return nil }
        var offset = elapsed - start
        var cycleStart = start
        if let every = self.every?.totalNanoseconds, every > 0 {
            offset %= every
            cycleStart = elapsed - offset
        }
        return offset < duration ? cycleStart + duration : nil
    }

    package var description: String {
        var text = "\(self.duration.exactShortDescription)@\(self.start.exactShortDescription)"
        if let every = self.every {
            text += "/\(every.exactShortDescription)"
        }
        return text
    }
}
