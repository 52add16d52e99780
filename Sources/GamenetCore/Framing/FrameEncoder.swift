import NIOCore

/// Writes messages onto a byte stream with the framing of a ``FramingMode``.
///
/// The payload is never copied: a line ending or a length prefix is written as its own small buffer just before or
/// after it, and the socket gathers both in one `writev`.
package final class FrameEncoder: ChannelOutboundHandler {
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private let mode: FramingMode
    /// The `\n` appended to every line, shared by every write (`ByteBuffer` is copy-on-write).
    private var newline: ByteBuffer?

    package init(mode: FramingMode) {
        self.mode = mode
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        var newline = context.channel.allocator.buffer(capacity: 1)
        newline.writeInteger(UInt8(ascii: "\n"))
        self.newline = newline
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let message = Self.unwrapOutboundIn(data)
        if WriteBarrier.isBarrier(message, promise: promise) {
            context.write(data, promise: promise)
            return
        }
        switch self.mode {
        case .raw:
            context.write(data, promise: promise)
        case .lines:
            context.write(data, promise: nil)
            context.write(Self.wrapOutboundOut(self.newline!), promise: promise)
        case .len16:
            guard message.readableBytes <= Int(UInt16.max) else {
                promise?.fail(FramingError.messageTooLong(length: message.readableBytes, limit: Int(UInt16.max)))
                context.fireErrorCaught(
                    FramingError.messageTooLong(length: message.readableBytes, limit: Int(UInt16.max))
                )
                return
            }
            var prefix = context.channel.allocator.buffer(capacity: 2)
            prefix.writeInteger(UInt16(message.readableBytes))
            context.write(Self.wrapOutboundOut(prefix), promise: nil)
            context.write(data, promise: promise)
        case .len32:
            var prefix = context.channel.allocator.buffer(capacity: 4)
            prefix.writeInteger(UInt32(truncatingIfNeeded: message.readableBytes))
            context.write(Self.wrapOutboundOut(prefix), promise: nil)
            context.write(data, promise: promise)
        }
    }
}

@available(*, unavailable)
extension FrameEncoder: Sendable {}
