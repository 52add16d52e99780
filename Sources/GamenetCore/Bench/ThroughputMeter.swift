/// Counts what arrives during the measured part of a throughput case, with no clock of its own.
///
/// Arrivals before `warmupEnd` or from `end` on are not counted, so a case's rate is what the peer sustained once
/// its buffers and windows had opened, not its start-up.
package struct ThroughputMeter: Sendable, Hashable {
    package let warmupEnd: UInt64
    package let end: UInt64
    package private(set) var bytes: UInt64 = 0
    package private(set) var messages: UInt64 = 0

    package init(start: UInt64, warmup: UInt64, duration: UInt64) {
        self.warmupEnd = start + warmup
        self.end = start + warmup + duration
    }

    /// Counts `messages` messages of `bytes` bytes in all that arrived at `now`.
    package mutating func arrived(bytes: Int, messages: Int = 1, now: UInt64) {
        guard now >= self.warmupEnd, now < self.end else { return }
        self.bytes += UInt64(bytes)
        self.messages += UInt64(messages)
    }

    package mutating func merge(_ other: ThroughputMeter) {
        self.bytes += other.bytes
        self.messages += other.messages
    }

    /// Seconds measured.
    package var seconds: Double { Double(self.end - self.warmupEnd) / 1e9 }
}
