import NIOCore

/// How much a TCP connection reads at once.
enum ReceiveBuffers {
    /// NIO's adaptive allocator, allowed to grow to 256 KiB: a 64 KiB WebSocket message (64 KiB and a 14-byte header)
    /// then arrives in one read instead of two, with no copy to join them.
    static let allocator = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 256 * 1024)
}
