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
    private var entries = CircularBuffer<Entry>()
    /// The bytes of the retained messages, counted once per entry although their storage is shared.
    package private(set) var byteCount = 0
    /// The highest sequence number that has left the buffer, 0 when none has.
    package private(set) var evictedThrough: UInt64 = 0
    /// The sequence number of the last message appended, 0 before the first.
    package private(set) var lastSequence: UInt64 = 0

    package init(limit: Int, byteLimit: Int) {
        self.limit = limit
        self.byteLimit = byteLimit
    }

    /// The number of messages retained.
    package var count: Int { self.entries.count }

    /// Keeps `encoded` as message number `sequence`, dropping the oldest messages beyond the bounds.
    package mutating func append(_ encoded: EncodedGameMessage, sequence: UInt64) {
        self.entries.append(Entry(sequence: sequence, encoded: encoded))
        self.byteCount += encoded.binary.readableBytes
        self.lastSequence = sequence
        while self.entries.count > self.limit || (self.byteCount > self.byteLimit && self.entries.count > 1) {
            let oldest = self.entries.removeFirst()
            self.byteCount -= oldest.encoded.binary.readableBytes
            self.evictedThrough = oldest.sequence
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
        return .success(self.entries.filter { $0.sequence > lastReceived })
    }
}
