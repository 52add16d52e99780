/// Why a Reed-Solomon codec could not be made or a group could not be reconstructed.
package enum ReedSolomonError: Error, Hashable, Sendable {
    /// Data shards must be at least 1, parity shards at least 1, and together at most 256 (GF(2^8) has 256
    /// elements, so a Vandermonde matrix has at most 256 distinct rows).
    case invalidShardCounts(data: Int, parity: Int)
    /// Fewer shards are present than there are data shards.
    case tooFewShards(present: Int, needed: Int)
    /// A buffer is too small for the shards it should hold.
    case bufferTooSmall
}
