/// A sliding window over received datagram counters that refuses a counter seen before or too far behind the
/// highest one: the anti-replay bitmap of IPsec (RFC 4303 §3.4.3) in the ring-of-words form of RFC 6479, which
/// WireGuard also uses.
///
/// The ring holds 2048 bits; since a whole word is cleared when the window moves into it, the last
/// ``windowSize`` = 2048 − 64 counters below the highest are always tracked.
package struct ReplayWindow: Hashable, Sendable {
    /// Counters this far or further below the highest accepted one are refused as too old.
    package static let windowSize: UInt64 = 2048 - 64

    private static let wordCount = 32

    /// What the window says about a counter.
    package enum Verdict: Hashable, Sendable {
        case fresh
        case replayed
        case tooOld
    }

    private var bitmap = [UInt64](repeating: 0, count: ReplayWindow.wordCount)
    private var highest: UInt64 = 0
    private var hasAccepted = false

    package init() {}

    /// The highest counter accepted so far, if any.
    package var highestAccepted: UInt64? { self.hasAccepted ? self.highest : nil }

    /// Whether `counter` may be accepted; changes nothing (check before authenticating, record after).
    package func check(_ counter: UInt64) -> Verdict {
        guard self.hasAccepted, counter <= self.highest else { return .fresh }
        guard self.highest - counter < Self.windowSize else { return .tooOld }
        let word = Int(truncatingIfNeeded: counter / 64) & (Self.wordCount - 1)
        return self.bitmap[word] & (1 << (counter % 64)) != 0 ? .replayed : .fresh
    }

    /// Records `counter` as received; call only after ``check(_:)`` said `.fresh` and the datagram authenticated.
    package mutating func record(_ counter: UInt64) {
        if !self.hasAccepted || counter > self.highest {
            let oldWord = self.hasAccepted ? self.highest / 64 : counter / 64 &- 1
            let newWord = counter / 64
            // Clear the words the window moves into, all of them after a jump past the ring.
            let steps = min(newWord &- oldWord, UInt64(Self.wordCount))
            if steps > 0 {
                for step in 1...steps {
                    self.bitmap[Int(truncatingIfNeeded: oldWord &+ step) & (Self.wordCount - 1)] = 0
                }
            }
            if !self.hasAccepted {
                for word in self.bitmap.indices { self.bitmap[word] = 0 }
            }
            self.highest = counter
            self.hasAccepted = true
        }
        let word = Int(truncatingIfNeeded: counter / 64) & (Self.wordCount - 1)
        self.bitmap[word] |= 1 << (counter % 64)
    }
}
