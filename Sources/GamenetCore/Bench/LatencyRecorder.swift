import Histogram

/// Round-trip times of one benchmark case, in nanoseconds, kept in an HdrHistogram.
///
/// Three significant digits over 1 ns to 100 s: a percentile is exact to 0.1% of its value, and the histogram's size
/// does not grow with the number of samples.
package struct LatencyRecorder: Sendable {
    package private(set) var histogram: Histogram<UInt64>
    /// Replies that never came back (datagrams lost, or still outstanding when the case ended).
    package var lost: UInt64 = 0

    package init() {
        self.histogram = Histogram(
            lowestDiscernibleValue: 1,
            highestTrackableValue: 100_000_000_000,
            numberOfSignificantValueDigits: .three
        )
        self.histogram.autoResize = true
    }

    /// Records one round trip of `nanoseconds`.
    package mutating func record(nanoseconds: UInt64) {
        _ = self.histogram.record(Swift.max(nanoseconds, 1))
    }

    /// Records one round trip measured on a closed loop paced at `expectedInterval`, back-filling the samples that a
    /// stall of the peer kept the loop from sending (HdrHistogram's `recordCorrectedValue`).
    package mutating func record(nanoseconds: UInt64, expectedInterval: UInt64) {
        _ = self.histogram.recordCorrectedValue(Swift.max(nanoseconds, 1), expectedInterval: expectedInterval)
    }

    /// Adds another connection's samples.
    package mutating func merge(_ other: LatencyRecorder) {
        self.histogram.add(other.histogram)
        self.lost += other.lost
    }

    package var count: UInt64 { self.histogram.totalCount }

    /// The value at `percentile` (0 to 100), in nanoseconds; 0 with no samples.
    package func nanoseconds(atPercentile percentile: Double) -> UInt64 {
        self.count == 0 ? 0 : self.histogram.valueAtPercentile(percentile)
    }

    /// The percentile curve to plot: (percentile, nanoseconds) pairs, HdrHistogram's iteration with five ticks per
    /// halving of the distance to 100%.
    package func percentileCurve() -> [(percentile: Double, nanoseconds: UInt64)] {
        guard self.count > 0 else { return [] }
        return self.histogram.percentiles(ticksPerHalfDistance: 5).map { ($0.percentile, $0.value) }
    }
}
