import NIOCore

/// The sending and timing side of a round-trip benchmark on one connection, with no I/O and no clock of its own.
///
/// Every message starts with its sequence number and the time it was meant to be sent (two big-endian 64-bit
/// integers), then filler up to the message size; the echo brings both back, so a reply is timed from its own send
/// even when several are in flight or some are lost.
///
/// - Closed loop: one message in flight; the next goes when the reply comes (or when the reply timeout declares it
///   lost). Latency is reply time minus send time.
/// - Open loop at a fixed interval: message *n* is due at `start + n × interval` whatever the replies do, and its
///   latency is measured from that intended time, not from when it actually left. A peer that stalls for a second
///   therefore shows a second of latency on every message it held up, instead of one slow sample (HdrHistogram's
///   coordinated-omission correction; Gil Tene, "How NOT to Measure Latency").
///
/// Messages sent before `warmupEnd` are answered but not recorded; no message is sent from `end` on.
package struct RoundTripProbe: Sendable {
    /// How messages are paced.
    package enum Pacing: Hashable, Sendable {
        case closedLoop
        /// One message every `interval` nanoseconds.
        case openLoop(interval: UInt64)
    }

    /// A message to send now.
    package struct Message: Hashable, Sendable {
        package var sequence: UInt64
        /// When it was meant to be sent, in nanoseconds of the caller's monotonic clock.
        package var intendedAt: UInt64

        package init(sequence: UInt64, intendedAt: UInt64) {
            self.sequence = sequence
            self.intendedAt = intendedAt
        }
    }

    /// The bytes every message starts with.
    package static let headerLength = 16

    package let messageSize: Int
    package let pacing: Pacing
    package let warmupEnd: UInt64
    package let end: UInt64
    /// How long a closed loop waits for a reply before it counts the message lost and sends the next.
    package let replyTimeout: UInt64

    package private(set) var recorder = LatencyRecorder()
    /// Messages sent, warm-up included.
    package private(set) var sent: UInt64 = 0
    private var nextSequence: UInt64 = 0
    private var nextIntended: UInt64
    /// Closed loop: the message awaiting its reply.
    private var awaiting: Message?
    private var awaitingSince: UInt64 = 0
    /// Open loop: the intended send time of every message whose reply has not come, by sequence number.
    private var inFlight: [UInt64: UInt64] = [:]

    /// - Parameters:
    ///   - start: the time of the first send.
    ///   - warmup: nanoseconds at the start whose messages are not recorded.
    ///   - duration: nanoseconds measured after the warm-up.
    package init(
        messageSize: Int,
        pacing: Pacing,
        start: UInt64,
        warmup: UInt64,
        duration: UInt64,
        replyTimeout: UInt64 = 1_000_000_000
    ) {
        precondition(messageSize >= Self.headerLength, "a message holds at least its 16-byte header")
        self.messageSize = messageSize
        self.pacing = pacing
        self.warmupEnd = start + warmup
        self.end = start + warmup + duration
        self.replyTimeout = replyTimeout
        self.nextIntended = start
    }

    /// The messages due at `now`, in order; the caller sends each one.
    package mutating func messagesDue(now: UInt64) -> [Message] {
        var due: [Message] = []
        switch self.pacing {
        case .closedLoop:
            if let awaiting, now &- self.awaitingSince >= self.replyTimeout {
                self.awaiting = nil
                if awaiting.intendedAt >= self.warmupEnd { self.recorder.lost += 1 }
            }
            if self.awaiting == nil, now < self.end {
                let message = self.makeMessage(intendedAt: now)
                self.awaiting = message
                self.awaitingSince = now
                due.append(message)
            }
        case .openLoop(let interval):
            while self.nextIntended <= now, self.nextIntended < self.end {
                let message = self.makeMessage(intendedAt: self.nextIntended)
                self.inFlight[message.sequence] = message.intendedAt
                due.append(message)
                self.nextIntended += interval
            }
        }
        return due
    }

    /// When ``messagesDue(now:)`` should next be asked, or `nil` when only a reply can move the probe on.
    package var nextWakeUp: UInt64? {
        switch self.pacing {
        case .closedLoop:
            return self.awaiting == nil ? nil : self.awaitingSince + self.replyTimeout
        case .openLoop:
            return self.nextIntended < self.end ? self.nextIntended : nil
        }
    }

    /// Takes a reply: the first ``headerLength`` bytes of an echoed message, read at `now`.
    ///
    /// - Returns: `false` if the reply is not one this probe is waiting for (a late reply to a message already
    ///   counted lost, a duplicate, or garbage).
    @discardableResult
    package mutating func receive(header: ByteBuffer, now: UInt64) -> Bool {
        guard let sequence = header.getInteger(at: header.readerIndex, as: UInt64.self),
            let intendedAt = header.getInteger(at: header.readerIndex + 8, as: UInt64.self)
        else { return false }
        switch self.pacing {
        case .closedLoop:
            guard let awaiting = self.awaiting, awaiting.sequence == sequence, awaiting.intendedAt == intendedAt else {
                return false
            }
            self.awaiting = nil
        case .openLoop:
            guard self.inFlight[sequence] == intendedAt else { return false }
            self.inFlight[sequence] = nil
        }
        if intendedAt >= self.warmupEnd {
            self.recorder.record(nanoseconds: now &- intendedAt)
        }
        return true
    }

    /// Whether every message has been sent and answered (or given up on).
    package func isFinished(now: UInt64) -> Bool {
        guard now >= self.end else { return false }
        switch self.pacing {
        case .closedLoop: return self.awaiting == nil
        case .openLoop: return self.inFlight.isEmpty
        }
    }

    /// Ends the case: messages still unanswered count as lost.
    package mutating func finish() {
        switch self.pacing {
        case .closedLoop:
            if let awaiting = self.awaiting, awaiting.intendedAt >= self.warmupEnd { self.recorder.lost += 1 }
            self.awaiting = nil
        case .openLoop:
            self.recorder.lost += UInt64(self.inFlight.values.count { $0 >= self.warmupEnd })
            self.inFlight.removeAll()
        }
    }

    /// Writes `message` as `messageSize` bytes: the header, then filler.
    package func write(_ message: Message, into buffer: inout ByteBuffer) {
        buffer.writeInteger(message.sequence)
        buffer.writeInteger(message.intendedAt)
        buffer.writeRepeatingByte(0x5A, count: self.messageSize - Self.headerLength)
    }

    private mutating func makeMessage(intendedAt: UInt64) -> Message {
        defer {
            self.nextSequence += 1
            self.sent += 1
        }
        return Message(sequence: self.nextSequence, intendedAt: intendedAt)
    }
}
