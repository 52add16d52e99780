/// How FEC shards are framed on the wire.
package enum FECLayout: String, Hashable, Sendable, CaseIterable {
    /// kcp-go's and so kcptun's framing (`fec.go`), byte for byte, all integers little-endian:
    ///
    /// ```
    /// 0               4       6       8
    /// +---------------+-------+-------+---------------------------+
    /// |     seqid     | 0xF1  | size  | payload (size - 2 bytes)  |   data shard
    /// +---------------+-------+-------+---------------------------+
    /// |     seqid     | 0xF2  | parity of the group's rows        |   parity shard
    /// +---------------+-------+-----------------------------------+
    /// ```
    /// `seqid` counts every shard sent, data and parity, and wraps at the largest multiple of D + P below 2^32
    /// (kcp-go's `paws`); the group is `seqid / (D + P)` and the shard's place in it `seqid % (D + P)`: places
    /// 0..<D are data, D..<D+P parity. `size` counts itself: it is the payload's length + 2. A group's rows are
    /// the bytes from `size` on, zero-padded to the longest, and its parity shards are that long. A group is always
    /// D data shards and then P parity shards, sent when the D-th data shard is; if the last two data shards were
    /// 500 ms or more apart, kcp-go sends no parity for the group but still advances `seqid` by P
    /// (`maxFECEncodeLatency`, `skipParity`), and so does this encoder. kcp-go has no flush timeout: a group waits
    /// for its D-th data shard however long that takes.
    case kcp
    /// gamenet's framing, which carries a group's geometry so that a group can be closed early, by the flush
    /// timeout, with fewer than D data shards, and still be protected. Integers are little-endian like KCP's:
    ///
    /// ```
    /// 0       1       2       3       4               8
    /// +-------+-------+-------+-------+---------------+--------------------------+
    /// | 0xD1  | index |   D   |   P   |     group     | payload                  |   data shard
    /// +-------+-------+-------+-------+---------------+--------------------------+
    /// | 0xD2  | index |   k   |   P   |     group     | parity of the k rows     |   parity shard
    /// +-------+-------+-------+-------+---------------+--------------------------+
    /// ```
    /// `group` counts groups and wraps at 2^32. A data shard's `index` is its place in the group (0..<D) and `D`
    /// the most data shards its group can have. A parity shard's `index` is its parity row (0..<P), and `k` the
    /// number of data shards the group was closed with (1...D): its parity is that of the Reed-Solomon code with k
    /// data and P parity shards. A row is the payload's length as a 16-bit little-endian integer followed by the
    /// payload, zero-padded to the group's longest row; a parity shard's payload is one parity row, so it is that
    /// long. A data shard carries no length field: its row is rebuilt from the datagram's length.
    case native

    /// Bytes before the payload of a data shard.
    package var dataHeaderSize: Int {
        switch self {
        case .kcp: 8
        case .native: 8
        }
    }

    /// Bytes before the parity row of a parity shard.
    package var parityHeaderSize: Int {
        switch self {
        case .kcp: 6
        case .native: 8
        }
    }
}
