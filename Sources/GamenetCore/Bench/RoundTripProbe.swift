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

    /// Hands each message due at `now` to `send`, in order, and returns how many there were.
    ///
    /// A closure rather than an array, so that a round trip costs no allocation here. `send` must not touch this
    /// probe; ``write(_:messageSize:into:)`` serializes a message without it.
    @discardableResult
    package mutating func sendDue(now: UInt64, _ send: (Message) -> Void) -> Int {
        switch self.pacing {
        case .closedLoop:
            if let awaiting, now &- self.awaitingSince >= self.replyTimeout {
                self.awaiting = nil
                if awaiting.intendedAt >= self.warmupEnd { self.recorder.lost += 1 }
            }
            guard self.awaiting == nil, now < self.end else { return 0 }
            let message = self.makeMessage(intendedAt: now)
            self.awaiting = message
            self.awaitingSince = now
            send(message)
            return 1
        case .openLoop(let interval):
            var count = 0
            while self.nextIntended <= now, self.nextIntended < self.end {
                let message = self.makeMessage(intendedAt: self.nextIntended)
                self.inFlight[message.sequence] = message.intendedAt
                self.nextIntended += interval
                send(message)
                count += 1
            }
            return count
        }
    }

    /// When ``sendDue(now:_:)`` should next be called, or `nil` when only a reply can move the probe on.
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
        Self.write(message, messageSize: self.messageSize, into: &buffer)
    }

    /// Writes `message` as `messageSize` bytes: the header, then filler.
    package static func write(_ message: Message, messageSize: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(message.sequence)
        buffer.writeInteger(message.intendedAt)
        buffer.writeRepeatingByte(0x5A, count: messageSize - Self.headerLength)
    }

    private mutating func makeMessage(intendedAt: UInt64) -> Message {
        defer {
            self.nextSequence += 1
            self.sent += 1
        }
        return Message(sequence: self.nextSequence, intendedAt: intendedAt)
    }
}
