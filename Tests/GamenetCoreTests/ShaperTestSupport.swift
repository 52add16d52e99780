import GamenetCore
import NIOCore

/// Drives an ``Impairment`` in virtual time for the shaper's tests: packets of one size, evenly spaced.
struct ShaperDrive {
    static let start = NIODeadline.uptimeNanoseconds(0)

    /// The arrival time of packet `index` when one packet arrives every `interval`.
    static func arrival(_ index: Int, every interval: TimeAmount) -> NIODeadline {
        start + .nanoseconds(interval.nanoseconds * Int64(index))
    }

    /// The fates of `count` packets of `size` bytes, one every `interval`, through a fresh impairment.
    static func fates(
        _ spec: String,
        seed: UInt64 = 7,
        count: Int,
        every interval: TimeAmount = .milliseconds(1),
        size: Int = 100
    ) throws -> (fates: [PacketFate], counters: ImpairmentCounters) {
        var model = Impairment(spec: try ImpairmentSpec(parsing: spec), start: start, seed: seed)
        var fates: [PacketFate] = []
        fates.reserveCapacity(count)
        for index in 0..<count {
            fates.append(model.decide(size: size, now: arrival(index, every: interval)))
        }
        return (fates, model.counters)
    }

    /// The one-way delay of each packet that passed, in milliseconds (packets one every `interval`).
    static func delaysInMilliseconds(_ fates: [PacketFate], every interval: TimeAmount) -> [Double] {
        fates.indices.compactMap { index in
            fates[index].release.map { Double(($0 - arrival(index, every: interval)).nanoseconds) / 1e6 }
        }
    }

    /// The lengths of the runs of consecutive packets for which `isInRun` holds.
    static func runLengths(_ fates: [PacketFate], _ isInRun: (PacketFate) -> Bool) -> [Int] {
        var runs: [Int] = []
        var current = 0
        for fate in fates {
            if isInRun(fate) {
                current += 1
            } else if current > 0 {
                runs.append(current)
                current = 0
            }
        }
        if current > 0 { runs.append(current) }
        return runs
    }
}

/// Sample moments for the statistical tests.
struct Moments {
    var count: Int
    var mean: Double
    var standardDeviation: Double

    init<S: Sequence>(_ values: S) where S.Element == Double {
        var count = 0
        var sum = 0.0
        var sumOfSquares = 0.0
        for value in values {
            count += 1
            sum += value
            sumOfSquares += value * value
        }
        self.count = count
        self.mean = count > 0 ? sum / Double(count) : 0
        let variance = count > 1 ? (sumOfSquares - sum * self.mean) / Double(count - 1) : 0
        self.standardDeviation = max(variance, 0).squareRoot()
    }
}

/// Four standard deviations of the number of successes in `trials` draws of probability `probability`.
func fourSigma(trials: Int, probability: Double) -> Double {
    4 * (Double(trials) * probability * (1 - probability)).squareRoot()
}
