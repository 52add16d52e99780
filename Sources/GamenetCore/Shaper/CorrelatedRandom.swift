/// A uniform random source whose successive values can be correlated, the way tc netem correlates its delay, loss,
/// duplication, corruption and reordering decisions: `next = (1 − ρ)·U + ρ·previous`.
///
/// With ρ = 0 the values are independent. netem's own documentation notes that this mixing narrows the spread of the
/// values as ρ grows; the shaper keeps the same definition so that settings carry over.
package struct CorrelatedRandom: Hashable, Sendable {
    /// The correlation ρ in `0...1`.
    package var correlation: Double
    private var previous: Double?

    package init(correlation: Double) {
        self.correlation = min(max(correlation, 0), 1)
    }

    /// The next value in `[0, 1)`.
    package mutating func next(using generator: inout some RandomNumberGenerator) -> Double {
        let fresh = Double.random(in: 0..<1, using: &generator)
        guard let previous = self.previous, self.correlation > 0 else {
            self.previous = fresh
            return fresh
        }
        let value = (1 - self.correlation) * fresh + self.correlation * previous
        self.previous = value
        return value
    }

    /// Whether an event of probability `probability` happens on this draw.
    package mutating func happens(_ probability: Double, using generator: inout some RandomNumberGenerator) -> Bool {
        guard probability > 0 else { return false }
        guard probability < 1 else { return true }
        return self.next(using: &generator) < probability
    }
}
