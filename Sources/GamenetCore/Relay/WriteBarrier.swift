import NIOCore

/// Closing without losing what is queued: an empty write with a promise completes after every earlier write has
/// reached the socket, so a close that follows it loses nothing. (With its input already shut, NIO turns
/// `close(mode: .output)` into a full close that drops queued writes; the barrier comes first for that reason too.)
///
/// Relayed messages never carry a promise, so a framing encoder recognises the barrier (an empty buffer with a
/// promise) and passes it through unframed, while an empty message is still framed.
package enum WriteBarrier {
    /// Whether a write is a barrier rather than a message.
    package static func isBarrier(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) -> Bool {
        promise != nil && buffer.readableBytes == 0
    }
}

extension ChannelHandlerContext {
    /// Closes `mode` once every write queued before this call has gone out; a channel that cannot shut its output
    /// alone is closed whole.
    package func closeAfterPendingWrites(mode: CloseMode) {
        let promise = self.eventLoop.makePromise(of: Void.self)
        self.writeAndFlush(NIOAny(self.channel.allocator.buffer(capacity: 0)), promise: promise)
        let loopBoundContext = NIOLoopBound(self, eventLoop: self.eventLoop)
        promise.futureResult.whenComplete { _ in
            loopBoundContext.value.close(mode: mode).whenFailure { _ in
                loopBoundContext.value.close(promise: nil)
            }
        }
    }
}

extension Channel {
    /// Closes `mode` once every write queued before this call has gone out; a channel that cannot shut its output
    /// alone is closed whole.
    package func closeAfterPendingWrites(mode: CloseMode) {
        self.writeAndFlush(self.allocator.buffer(capacity: 0)).whenComplete { _ in
            self.close(mode: mode).whenFailure { _ in self.close(promise: nil) }
        }
    }
}
