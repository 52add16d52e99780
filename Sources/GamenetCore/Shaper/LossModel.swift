/// How packets are lost: independently, or in bursts.
package enum LossModel: Hashable, Sendable {
    /// No loss.
    case none
    /// Each packet is lost with `probability`, optionally correlated with the previous decision (netem's
    /// `loss random P [CORR]`).
    case random(probability: Double, correlation: Double)
    /// A two-state Markov chain (netem's `loss gemodel p r 1-h 1-k`): a good and a bad state, with `p` the chance of
    /// going bad and `r` the chance of recovering on each packet, and a loss probability in each state.
    case gilbertElliott(p: Double, r: Double, lossInBad: Double, lossInGood: Double)

    /// Bursty loss with a loss rate and a mean burst length, as `--loss 2% --burst 3` writes it: every packet in the
    /// bad state is lost, none in the good one, `r = 1/burst` and `p = rate·r/(1 − rate)`, so that the chain spends
    /// the fraction `rate` of packets in the bad state. A rate of 100 % loses everything, in one endless burst.
    package static func bursts(lossRate: Double, meanBurstLength: Double) -> LossModel {
        // With r > 0 the chain cannot stay bad: p = 1 alone would lose only 1/(1 + r) of packets (75 % for bursts of
        // 3). Likewise p is capped at 1 below, so bursts of mean B cannot reach a rate above B/(B + 1).
        guard lossRate < 1 else { return .random(probability: 1, correlation: 0) }
        let r = 1 / max(meanBurstLength, 1)
        let p = lossRate * r / (1 - lossRate)
        return .gilbertElliott(p: min(p, 1), r: r, lossInBad: 1, lossInGood: 0)
    }

    /// The long-run fraction of packets lost.
    package var meanLossRate: Double {
        switch self {
        case .none:
            return 0
        case .random(let probability, _):
            return probability
        case .gilbertElliott(let p, let r, let lossInBad, let lossInGood):
            guard p + r > 0 else { return lossInGood }
            let bad = p / (p + r)
            return bad * lossInBad + (1 - bad) * lossInGood
        }
    }
}

/// The state of a ``LossModel`` as packets go by.
struct LossProcess: Hashable, Sendable {
    private var isBad = false
    private var random = CorrelatedRandom(correlation: 0)

    /// Decides whether the next packet is lost.
    mutating func isLost(_ model: LossModel, using generator: inout some RandomNumberGenerator) -> Bool {
        switch model {
        case .none:
            return false
        case .random(let probability, let correlation):
            self.random.correlation = correlation
            return self.random.happens(probability, using: &generator)
        case .gilbertElliott(let p, let r, let lossInBad, let lossInGood):
            // As netem's loss_gilb_ell: move the chain, then decide with the state the packet arrived in.
            let wasBad = self.isBad
            if wasBad {
                if Double.random(in: 0..<1, using: &generator) < r { self.isBad = false }
            } else {
                if Double.random(in: 0..<1, using: &generator) < p { self.isBad = true }
            }
            let lossProbability = wasBad ? lossInBad : lossInGood
            guard lossProbability > 0 else { return false }
            return lossProbability >= 1 || Double.random(in: 0..<1, using: &generator) < lossProbability
        }
    }
}
