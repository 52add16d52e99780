import NIOCore

/// Turns the bytes of a WebSocket connection into ``WebSocketInboundFrame``s with ``WebSocketFrameParser``, for
/// ``WebSocketHandler``.
///
/// It keeps no buffer of its own between reads beyond the parser's: a payload is unmasked from each read straight
/// into the frame's buffer. A framing error goes up as a ``WebSocketFramingError`` (`errorCaught`), and the bytes
/// after it are dropped.
package final class WebSocketFrameReader: ChannelInboundHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = WebSocketInboundFrame

    private var parser: WebSocketFrameParser
    private var failed = false

    /// - Parameters:
    ///   - maximumFrameSize: the largest payload accepted; a frame announcing more fails the connection with 1009.
    package init(maximumFrameSize: Int) {
        self.parser = WebSocketFrameParser(maximumFrameSize: maximumFrameSize)
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.failed else { return }
        var buffer = Self.unwrapInboundIn(data)
        do {
            while let frame = try self.parser.nextFrame(from: &buffer, allocator: context.channel.allocator) {
                context.fireChannelRead(Self.wrapInboundOut(frame))
            }
        } catch {
            // Past a bad header the stream has no frame boundaries left to find.
            self.failed = true
            context.fireErrorCaught(error)
        }
    }
}

@available(*, unavailable)
extension WebSocketFrameReader: Sendable {}
