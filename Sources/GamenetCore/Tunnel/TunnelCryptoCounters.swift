/// What the tunnel's crypto layer has sealed, opened and refused, by reason.
package struct TunnelCryptoCounters: Hashable, Sendable {
    package var sealed = 0
    package var opened = 0
    package var truncated = 0
    package var wrongSuite = 0
    package var wrongTunnel = 0
    package var forged = 0
    package var replayed = 0
    package var tooOld = 0
    package var badChecksum = 0

    /// Every datagram refused.
    package var rejected: Int {
        self.truncated + self.wrongSuite + self.wrongTunnel + self.forged + self.replayed + self.tooOld
            + self.badChecksum
    }

    package init() {}

    /// Counts a refusal under its reason.
    package mutating func count(_ error: TunnelCryptoError) {
        switch error {
        case .truncated: self.truncated += 1
        case .wrongSuite: self.wrongSuite += 1
        case .wrongTunnel: self.wrongTunnel += 1
        case .authenticationFailed: self.forged += 1
        case .replayed: self.replayed += 1
        case .tooOld: self.tooOld += 1
        case .badChecksum: self.badChecksum += 1
        case .counterExhausted, .cryptoFailure: break
        }
    }
}
