import NIOCore

/// Round-trip times counted into fixed buckets, for a Prometheus histogram.
package struct RoundTripHistogram: Hashable, Sendable {
    /// The upper bounds of the buckets in milliseconds; a last bucket counts everything above.
    package static let boundsInMilliseconds: [Int] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000]

    /// The count of samples in each bucket (not cumulative), one more than there are bounds.
    package private(set) var counts = [Int](repeating: 0, count: RoundTripHistogram.boundsInMilliseconds.count + 1)
    /// The number of samples.
    package private(set) var sampleCount = 0
    /// The sum of all samples.
    package private(set) var sum: TimeAmount = .zero

    package init() {}

    package mutating func record(_ roundTrip: TimeAmount) {
        let milliseconds = Double(roundTrip.nanoseconds) / 1e6
        let index =
            Self.boundsInMilliseconds.firstIndex { milliseconds <= Double($0) } ?? Self.boundsInMilliseconds.count
        self.counts[index] += 1
        self.sampleCount += 1
        self.sum = self.sum + roundTrip
    }

    /// The cumulative counts per bound (Prometheus `le` buckets), ending with `+Inf`.
    package var cumulativeCounts: [Int] {
        var total = 0
        return self.counts.map {
            total += $0
            return total
        }
    }
}
