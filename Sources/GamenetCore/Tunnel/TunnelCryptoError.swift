/// Why a datagram was refused by the tunnel's crypto layer, or could not be sealed.
package enum TunnelCryptoError: Error, Hashable, Sendable {
    /// Shorter than the header and tag.
    case truncated(length: Int)
    /// The suite byte names another suite than the tunnel's.
    case wrongSuite(UInt8)
    /// The datagram belongs to another tunnel (its tunnel id differs).
    case wrongTunnel(UInt64)
    /// The tag did not verify: the datagram was forged, altered, or sealed with another key.
    case authenticationFailed
    /// The counter was received before.
    case replayed(counter: UInt64)
    /// The counter is too far behind the highest received to tell whether it is a replay.
    case tooOld(counter: UInt64)
    /// kcp-go layout: the CRC-32 after decryption does not match (a forged or corrupted datagram, or another key).
    case badChecksum
    /// The sending counter reached its limit; the tunnel must be started again with a new tunnel id.
    case counterExhausted
    /// A key could not be derived or a cipher failed.
    case cryptoFailure(String)
}
