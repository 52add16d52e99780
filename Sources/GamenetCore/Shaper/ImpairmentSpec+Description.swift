extension ImpairmentSpec: CustomStringConvertible {
    /// The spec as a string that ``init(parsing:base:)`` reads back to an equal spec; `none` for pass-through.
    package var description: String {
        var clauses: [String] = []
        if self.delay != .zero || self.jitter != .zero {
            var clause = "delay \(self.delay.shortDescription)"
            if self.jitter != .zero {
                clause += " \(self.jitter.shortDescription)"
                if self.delayCorrelation > 0 { clause += " \(Self.percent(self.delayCorrelation))" }
            }
            clauses.append(clause)
        }
        if self.distribution != .uniform { clauses.append("distribution \(self.distribution.rawValue)") }
        if self.jitterReorders { clauses.append("jitter-reorders") }
        if let wave = self.wave {
            clauses.append("wave \(wave.shape.rawValue) \(wave.amplitude.shortDescription) \(wave.period.shortDescription)")
        }
        switch self.loss {
        case .none:
            break
        case .random(let probability, let correlation):
            clauses.append("loss \(Self.percent(probability))" + (correlation > 0 ? " \(Self.percent(correlation))" : ""))
        case .gilbertElliott(let p, let r, let lossInBad, let lossInGood):
            clauses.append(
                "loss gemodel \(Self.percent(p)) \(Self.percent(r)) \(Self.percent(lossInBad)) \(Self.percent(lossInGood))"
            )
        }
        if self.duplicate > 0 {
            var clause = "duplicate \(Self.percent(self.duplicate))"
            if self.duplicateCorrelation > 0 { clause += " \(Self.percent(self.duplicateCorrelation))" }
            if self.duplicateDelay != .zero { clause += " \(self.duplicateDelay.shortDescription)" }
            clauses.append(clause)
        }
        if self.reorder > 0 {
            var clause = "reorder \(Self.percent(self.reorder))"
            if self.reorderCorrelation > 0 { clause += " \(Self.percent(self.reorderCorrelation))" }
            clause += " \(self.reorderDelay.shortDescription)"
            if self.reorderGap > 0 { clause += " gap \(self.reorderGap)" }
            clauses.append(clause)
        }
        if self.corrupt > 0 {
            clauses.append(
                "corrupt \(Self.percent(self.corrupt))"
                    + (self.corruptCorrelation > 0 ? " \(Self.percent(self.corruptCorrelation))" : "")
            )
        }
        if let rate = self.rate {
            var clause = "rate \(rate)"
            if let burst = self.burst { clause += " burst \(burst)" }
            if let queue = self.queueLimit { clause += " queue \(queue)" }
            clauses.append(clause)
        }
        for outage in self.outages {
            clauses.append("outage \(outage)")
        }
        return clauses.isEmpty ? "none" : clauses.joined(separator: " ")
    }

    private static func percent(_ fraction: Double) -> String {
        Percentage(fraction: fraction).description
    }
}
