import NIOCore
import NIOWebSocket

/// Writes WebSocket frames onto the wire: the header (RFC 6455 §5.2) and the payload, masked word at a time when a
/// key is given.
///
/// NIO's `WebSocketFrameEncoder` masks byte by byte; gamenet writes its own frames so that a client's masking costs
/// a fraction of that, and so that a small frame leaves as one buffer. ``WebSocketFrameReader`` reads them.
package final class WebSocketFrameWriter: ChannelOutboundHandler {
    package typealias OutboundIn = WebSocketFrame
    package typealias OutboundOut = ByteBuffer

    /// Payloads up to this size are copied behind their header into one buffer; larger ones follow the header in a
    /// second buffer of the same gathered write.
    static let coalescingLimit = 4096

    package init() {}

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        Self.write(Self.unwrapOutboundIn(data), context: context, promise: promise)
    }

    /// Serializes `frame` and writes it from `context` toward the socket: the header, and the payload in the same
    /// buffer when masked or small, else in a second buffer of the same gathered write.
    package static func write(_ frame: WebSocketFrame, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?)
    {
        var payload = frame.data
        let length = payload.readableBytes
        // A masked payload is written masked into the header's buffer in one pass (it must be copied anyway, since
        // masking in place would change bytes that may be shared); an unmasked one joins the header only if small.
        let joinsHeader = frame.maskKey != nil || length <= Self.coalescingLimit
        var header = context.channel.allocator.buffer(capacity: 14 + (joinsHeader ? length : 0))
        header.writeWebSocketFrameHeader(
            fin: frame.fin,
            rsv1: frame.rsv1,
            rsv2: frame.rsv2,
            rsv3: frame.rsv3,
            opcode: frame.opcode,
            payloadLength: length,
            maskKey: frame.maskKey
        )
        if let key = frame.maskKey {
            header.writeWebSocketMasked(payload, key: key)
            context.write(Self.wrapOutboundOut(header), promise: promise)
        } else if joinsHeader {
            header.writeBuffer(&payload)
            context.write(Self.wrapOutboundOut(header), promise: promise)
        } else {
            context.write(Self.wrapOutboundOut(header), promise: nil)
            context.write(Self.wrapOutboundOut(payload), promise: promise)
        }
    }

    /// Appends an unmasked frame, header and payload, to `buffer`: frames gathered this way go to the socket as one
    /// buffer.
    package static func append(_ frame: WebSocketFrame, to buffer: inout ByteBuffer) {
        precondition(frame.maskKey == nil, "gathered frames are a server's, unmasked")
        let payload = frame.data
        buffer.reserveCapacity(minimumWritableBytes: 14 + payload.readableBytes)
        buffer.writeWebSocketFrameHeader(
            fin: frame.fin,
            rsv1: frame.rsv1,
            rsv2: frame.rsv2,
            rsv3: frame.rsv3,
            opcode: frame.opcode,
            payloadLength: payload.readableBytes
        )
        buffer.writeImmutableBuffer(payload)
    }
}

@available(*, unavailable)
extension WebSocketFrameWriter: Sendable {}
