import NIOCore

/// The sequenced messages a session was sent most recently, kept so that a resume can replay the ones the client
/// missed, in order and exactly once.
///
/// It is bounded in messages and in bytes; the oldest entries leave first. Socket.IO's connection state recovery
/// keeps a time-bounded buffer of broadcasts in the same spirit; here the bound is on memory, and a client that
/// missed more than the buffer holds is told so (``ResumeRejectionReason/replayOverflow``) instead of getting a
/// replay with a hole.
package struct ReplayBuffer {
    /// A message and the sequence number the session gave it.
    package struct Entry: Equatable {
        package var sequence: UInt64
        package var encoded: EncodedGameMessage
    }

    package let limit: Int
    package let byteLimit: Int
    /// The retained messages, oldest first: message `lastSequence - count + 1 + i` at `i`. A session numbers its
    /// messages one after the other, so the numbers need not be stored, and an entry is one reference (the buffer is
    /// written for every member of a room on every message).
    private var messages = CircularBuffer<EncodedGameMessage>()
    /// The bytes of the retained messages, counted once per entry although their storage is shared.
    package private(set) var byteCount = 0
    /// The sequence number of the last message appended, 0 before the first.
    package private(set) var lastSequence: UInt64 = 0

    package init(limit: Int, byteLimit: Int) {
        self.limit = limit
        self.byteLimit = byteLimit
    }

    /// The number of messages retained.
    package var count: Int { self.messages.count }

    /// The highest sequence number that has left the buffer, 0 when none has.
    package var evictedThrough: UInt64 { self.lastSequence - UInt64(self.messages.count) }

    /// Keeps `encoded` as message number `sequence`, the one after the last, dropping the oldest messages beyond the
    /// bounds.
    package mutating func append(_ encoded: EncodedGameMessage, sequence: UInt64) {
        assert(sequence == self.lastSequence + 1, "replay sequence \(sequence) after \(self.lastSequence)")
        self.messages.append(encoded)
        self.byteCount += encoded.binary.readableBytes
        self.lastSequence = sequence
        while self.messages.count > self.limit || (self.byteCount > self.byteLimit && self.messages.count > 1) {
            self.byteCount -= self.messages.removeFirst().binary.readableBytes
        }
    }

    /// Why a replay cannot be made.
    package enum ReplayError: Error, Hashable {
        /// Some of the messages after the client's last one have left the buffer.
        case overflow
        /// The client claims a message the session never sent.
        case sequenceAhead
    }

    /// Every retained message after `lastReceived`, in order, or why they cannot all be given.
    package func messages(after lastReceived: UInt64) -> Result<[Entry], ReplayError> {
        guard lastReceived <= self.lastSequence else { return .failure(.sequenceAhead) }
        guard lastReceived >= self.evictedThrough else { return .failure(.overflow) }
        let first = self.evictedThrough + 1
        let skipped = Int(lastReceived + 1 - first)
        return .success(
            self.messages.dropFirst(skipped).enumerated().map { offset, encoded in
                Entry(sequence: lastReceived + 1 + UInt64(offset), encoded: encoded)
            }
        )
    }
}
