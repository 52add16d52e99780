import NIOCore

/// The settings an FEC encoder and decoder share.
package struct FECConfiguration: Hashable, Sendable {
    /// D: data shards per group.
    package var dataShards: Int
    /// P: parity shards per group.
    package var parityShards: Int
    package var layout: FECLayout
    /// Native layout: how long a group may wait for its D-th data shard before its parity is sent for the data shards
    /// it has (UDPspeeder's `--timeout`, 8 ms by default there too); nil waits for a full group. The kcp layout
    /// never closes a group early, as kcp-go does not.
    package var flushTimeout: TimeAmount?
    /// The longest payload accepted, and so the longest row kept per shard.
    package var maxPayloadSize: Int
    /// How many groups the decoder keeps at once; a newer group displaces the oldest. For the kcp layout groups more
    /// than this many behind the newest are also stale, as kcp-go's `maxShardSets` (3) makes them.
    package var maxGroups: Int
    /// How long the decoder keeps a group after its first shard arrived.
    package var groupLifetime: TimeAmount

    /// - Parameters:
    ///   - dataShards: D, at least 1.
    ///   - parityShards: P, at least 1, D + P ≤ 256 (kcp layout: D + P ≤ 256 as kcp-go checks).
    ///   - layout: the wire layout.
    ///   - flushTimeout: native layout only; default 8 ms.
    ///   - maxPayloadSize: default 1500, a datagram of an Ethernet MTU.
    ///   - maxGroups: default 3 for the kcp layout (kcp-go's `maxShardSets`), 8 for native.
    ///   - groupLifetime: default 1 s.
    package init(
        dataShards: Int = 10,
        parityShards: Int = 3,
        layout: FECLayout = .native,
        flushTimeout: TimeAmount? = .milliseconds(8),
        maxPayloadSize: Int = 1500,
        maxGroups: Int? = nil,
        groupLifetime: TimeAmount = .seconds(1)
    ) {
        self.dataShards = dataShards
        self.parityShards = parityShards
        self.layout = layout
        self.flushTimeout = layout == .kcp ? nil : flushTimeout
        self.maxPayloadSize = maxPayloadSize
        self.maxGroups = maxGroups ?? (layout == .kcp ? 3 : 8)
        self.groupLifetime = groupLifetime
    }

    /// kcptun's default: 10 data and 3 parity shards in kcp-go's framing.
    package static let kcptun = FECConfiguration(dataShards: 10, parityShards: 3, layout: .kcp)

    /// Throws unless the shard counts make a Reed-Solomon code and the sizes fit the layout.
    package func validate() throws(ReedSolomonError) {
        guard dataShards >= 1, parityShards >= 1, dataShards + parityShards <= 256, maxGroups >= 1,
            (1...65533).contains(maxPayloadSize)
        else { throw .invalidShardCounts(data: dataShards, parity: parityShards) }
    }

    /// The longest row: a payload and its 16-bit length.
    var rowCapacity: Int { self.maxPayloadSize + 2 }

    /// kcp layout: the shard sequence wraps at the largest multiple of D + P that fits in 32 bits (kcp-go `paws`).
    var sequenceWrap: UInt32 {
        let total = UInt32(self.dataShards + self.parityShards)
        return 0xFFFF_FFFF / total * total
    }
}
