import NIOCore

/// A token bucket of messages per second that warns first and then asks for a disconnect.
///
/// Colyseus caps messages per second and then kicks; Socket.IO users keep asking for the cap it lacks. Here a
/// message with no token left is dropped; the first such drop asks for a warning, and `grace` drops later the limiter
/// asks for a disconnect. A session that slows down until the bucket is full again starts over with a warning.
package struct MessageRateLimiter: Hashable, Sendable {
    /// What to do with one incoming message.
    package enum Decision: Hashable, Sendable {
        /// Within the rate: handle the message.
        case accept
        /// Over the rate for the first time: drop the message and warn the client.
        case dropAndWarn
        /// Over the rate after a warning: drop the message.
        case drop
        /// Over the rate for longer than the grace: disconnect.
        case disconnect
    }

    package let messagesPerSecond: Double
    package let capacity: Double
    package let grace: Int
    private var tokens: Double
    private var updatedAt: NIODeadline
    private var isWarned = false
    private var dropsSinceWarning = 0

    package init(messagesPerSecond: Int, grace: Int, now: NIODeadline) {
        self.messagesPerSecond = Double(max(messagesPerSecond, 1))
        self.capacity = self.messagesPerSecond
        self.grace = grace
        self.tokens = self.capacity
        self.updatedAt = now
    }

    /// Takes a token for one message arriving at `now`.
    package mutating func admit(now: NIODeadline) -> Decision {
        if now > self.updatedAt {
            let elapsed = Double((now - self.updatedAt).nanoseconds) / 1e9
            self.tokens = min(self.capacity, self.tokens + elapsed * self.messagesPerSecond)
            self.updatedAt = now
        }
        if self.tokens >= self.capacity {
            self.isWarned = false
            self.dropsSinceWarning = 0
        }
        if self.tokens >= 1 {
            self.tokens -= 1
            return .accept
        }
        guard self.isWarned else {
            self.isWarned = true
            return .dropAndWarn
        }
        self.dropsSinceWarning += 1
        return self.dropsSinceWarning > self.grace ? .disconnect : .drop
    }
}
