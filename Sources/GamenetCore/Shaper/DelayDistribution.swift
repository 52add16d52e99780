#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The shape of the random part of a delay (the jitter), as tc netem names them.
///
/// `uniform` spreads the delay evenly over `delay ± jitter`, as netem does without a distribution table. The others
/// are standardized to mean 0 and standard deviation 1 and scaled by the jitter, as netem's tables are: with
/// `normal`, the delay has mean `delay` and standard deviation `jitter`.
package enum DelayDistribution: String, Hashable, Sendable, CaseIterable {
    case uniform
    case normal
    /// Pareto with shape α = 3 (heavy right tail), standardized.
    case pareto
    /// netem's mix: a quarter normal and three quarters Pareto, standardized.
    case paretonormal
    /// Exponential, standardized (`Exp(1) − 1`): most delays just under the base, a long right tail.
    case exponential

    /// Draws a value of the distribution: in `[-1, 1)` for `uniform`, standardized for the others.
    ///
    /// - Parameter draw: the source of uniform values in `[0, 1)`, called once or more.
    package func value(draw: () -> Double) -> Double {
        switch self {
        case .uniform:
            return 2 * draw() - 1
        case .normal:
            return Self.normal(draw(), draw())
        case .pareto:
            return Self.pareto(draw())
        case .paretonormal:
            // Var(0.25 N + 0.75 P) = 0.25² + 0.75² for independent standardized N and P.
            let normal = Self.normal(draw(), draw())
            return (0.25 * normal + 0.75 * Self.pareto(draw())) / (0.0625 + 0.5625).squareRoot()
        case .exponential:
            return -log(1 - draw()) - 1
        }
    }

    /// A standard normal value from two uniform draws (Box-Muller).
    private static func normal(_ u: Double, _ v: Double) -> Double {
        let radius = (-2 * log(max(u, .leastNormalMagnitude))).squareRoot()
        return radius * cos(2 * Double.pi * v)
    }

    /// A Pareto(x_m = 1, α = 3) value, standardized with its mean 3/2 and standard deviation √3/2.
    private static func pareto(_ u: Double) -> Double {
        let x = 1 / cbrt(max(1 - u, .leastNormalMagnitude))
        return (x - 1.5) / (3.0.squareRoot() / 2)
    }
}
