#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A delay that varies with time, as speedbump's sine and square waves do: `delay(t) = base + amplitude·shape(t)`.
package struct DelayWave: Hashable, Sendable {
    package enum Shape: String, Hashable, Sendable, CaseIterable {
        /// A smooth swing between `base − amplitude` and `base + amplitude`.
        case sine
        /// `base + amplitude` for the first half of each period, `base − amplitude` for the second.
        case square
    }

    package var shape: Shape
    package var amplitude: Duration
    package var period: Duration

    package init(shape: Shape, amplitude: Duration, period: Duration) {
        self.shape = shape
        self.amplitude = amplitude
        self.period = period
    }

    /// The offset to add to the base delay at `elapsed` since the shaper started, in nanoseconds.
    package func offsetNanoseconds(at elapsed: Int64) -> Double {
        let period = Double(self.period.totalNanoseconds)
        guard period > 0 else { return 0 }
        let phase = Double(elapsed).truncatingRemainder(dividingBy: period) / period
        let amplitude = Double(self.amplitude.totalNanoseconds)
        switch self.shape {
        case .sine: return amplitude * sin(2 * Double.pi * phase)
        case .square: return phase < 0.5 ? amplitude : -amplitude
        }
    }
}
