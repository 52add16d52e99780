import NIOCore

/// A rate limit with a queue behind it: a token bucket of `burst` bytes filled at `rate`, and a FIFO of at most
/// `queueLimit` bytes for packets that find the bucket short. A packet that would overflow the queue is tail-dropped.
///
/// The queue is not stored: a negative token count is the backlog in bytes, and each packet's departure time follows
/// from it, so the limiter is a few numbers however deep the queue.
struct TokenBucket: Hashable, Sendable {
    let bytesPerSecond: Double
    let burst: Double
    let queueLimit: Double
    /// Tokens in bytes; negative while packets wait.
    private var tokens: Double
    private var updated: NIODeadline?

    init(bytesPerSecond: Double, burst: Int, queueLimit: Int) {
        self.bytesPerSecond = bytesPerSecond
        self.burst = Double(max(burst, 1))
        self.queueLimit = Double(max(queueLimit, 0))
        self.tokens = self.burst
    }

    /// When a packet of `size` bytes arriving at `now` leaves the bottleneck, or `nil` if the queue has no room.
    mutating func departure(size: Int, now: NIODeadline) -> NIODeadline? {
        if let updated = self.updated {
            let elapsed = Double((now - updated).nanoseconds) / 1e9
            self.tokens = min(self.burst, self.tokens + elapsed * self.bytesPerSecond)
        }
        self.updated = now
        let size = Double(size)
        // Bytes waiting once this packet is admitted, itself included; the packet leaves when they have drained.
        let backlog = size - self.tokens
        guard backlog <= self.queueLimit else { return nil }
        self.tokens -= size
        let wait = max(0, -self.tokens) / self.bytesPerSecond
        return now + .nanoseconds(Int64((wait * 1e9).rounded(.up)))
    }

    /// The bytes waiting in the queue at the time of the last packet.
    var queuedBytes: Int {
        Int(max(0, -self.tokens))
    }
}
