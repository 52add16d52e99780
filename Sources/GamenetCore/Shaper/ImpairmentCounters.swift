/// What the shaper did to the packets of one direction.
package struct ImpairmentCounters: Hashable, Sendable, Codable {
    /// Packets that arrived at the shaper.
    package var received = 0
    /// Packets released, duplicates included.
    package var passed = 0
    /// Bytes released, duplicates included.
    package var passedBytes = 0
    package var droppedByLoss = 0
    package var droppedByOutage = 0
    /// Packets tail-dropped because the rate limiter's queue was full.
    package var droppedByQueue = 0
    package var duplicated = 0
    package var reordered = 0
    package var corrupted = 0
    /// Packets that waited for the rate limiter.
    package var queued = 0
    /// The total time packets waited for the rate limiter, in nanoseconds.
    package var queueDelayNanoseconds: Int64 = 0

    package init() {}

    enum CodingKeys: String, CodingKey {
        case received
        case passed
        case passedBytes = "passed_bytes"
        case droppedByLoss = "dropped_loss"
        case droppedByOutage = "dropped_outage"
        case droppedByQueue = "dropped_queue"
        case duplicated
        case reordered
        case corrupted
        case queued
        case queueDelayNanoseconds = "queue_delay_ns"
    }

    /// Every packet dropped, whatever the cause.
    package var dropped: Int {
        self.droppedByLoss + self.droppedByOutage + self.droppedByQueue
    }
}
