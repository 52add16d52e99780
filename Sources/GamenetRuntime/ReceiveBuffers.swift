import NIOCore

/// How much a TCP connection reads at once.
enum ReceiveBuffers {
    /// NIO's adaptive allocator, allowed to grow to 256 KiB: a 64 KiB WebSocket message (64 KiB and a 14-byte header)
    /// then arrives in one read instead of two, with no copy to join them.
    ///
    /// It starts at 256 bytes because NIO keeps a channel's receive buffer for its next read: a connection that has
    /// read once holds its buffer while idle, so the first size is what each of thousands of idle game clients costs.
    /// A bulk transfer grows it within a few reads.
    static let allocator = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 256 * 1024)
}
