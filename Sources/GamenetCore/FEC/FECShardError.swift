/// Why the FEC layer refused a datagram it was given to send or received.
package enum FECShardError: Error, Hashable, Sendable {
    /// Shorter than the header of its kind.
    case truncated(length: Int)
    /// The kind field is not one of the layout's (kcp: 0xF1, 0xF2 at bytes 4-5; native: 0xD1, 0xD2 at byte 0).
    case unknownKind(UInt16)
    /// A kcp data shard whose size field does not equal the length of what follows the header + 2.
    case sizeMismatch(field: Int, actual: Int)
    /// A native shard whose index or geometry is impossible, or larger than the decoder is configured for.
    case invalidGeometry(index: Int, data: Int, parity: Int)
    /// A shard or payload longer than the configured maximum.
    case tooLarge(length: Int, limit: Int)
    /// A parity shard whose length differs from an earlier parity shard of its group.
    case parityLengthMismatch(length: Int, expected: Int)
}
