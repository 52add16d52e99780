/// What an FEC encoder or decoder has done, for statistics and tests.
package struct FECCounters: Hashable, Sendable {
    // MARK: - Encoder

    /// Data shards sent, one per payload.
    package var dataShardsSent = 0
    /// Parity shards sent.
    package var parityShardsSent = 0
    /// Groups closed with fewer than D data shards by the flush timeout (native layout).
    package var groupsFlushedEarly = 0
    /// Groups sent without parity because their last two data shards were ≥ 500 ms apart (kcp layout).
    package var groupsWithoutParity = 0
    /// Payloads refused because they were too long.
    package var payloadsTooLarge = 0

    /// Every shard sent.
    package var shardsSent: Int { self.dataShardsSent + self.parityShardsSent }

    // MARK: - Decoder

    /// Datagrams given to the decoder, malformed ones included.
    package var shardsReceived = 0
    /// Data shards received and delivered.
    package var dataShardsDelivered = 0
    /// Parity shards received and filed.
    package var parityShardsReceived = 0
    /// Data shards rebuilt from parity and delivered.
    package var recoveredShards = 0
    /// Shards already received (or already rebuilt), dropped.
    package var duplicates = 0
    /// Datagrams refused as malformed.
    package var malformed = 0
    /// Shards of groups too old to be kept: data shards are still delivered, parity dropped.
    package var staleShards = 0
    /// Groups that had every data shard without needing parity.
    package var groupsComplete = 0
    /// Groups whose missing data were rebuilt.
    package var groupsRecovered = 0
    /// Groups whose parity could not rebuild their data (inconsistent shards).
    package var groupsFailed = 0
    /// Groups dropped, missing data, because they expired or room was needed for newer groups.
    package var groupsExpired = 0

    package init() {}
}
