import NIOCore

/// Tells an HTTP request (and so a WebSocket upgrade) from a raw byte stream by the first bytes of a connection, so
/// one TCP port serves both (`serve`).
///
/// An HTTP request starts with a method and a space (RFC 9112 §3); anything else is raw. The handler waits for
/// enough bytes to decide, lets `decide` add the handlers for the chosen protocol behind it, hands them the bytes
/// it held and removes itself.
package final class ProtocolSniffingHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ByteBuffer

    /// What the first bytes look like.
    package enum Detected: Hashable, Sendable {
        case http
        case raw
    }

    private static let methods = ["GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS "]
    private static let longestMethod = 8

    private let decide: (any Channel, Detected) throws -> Void
    private var buffered: ByteBuffer?

    /// - Parameter decide: adds the handlers for the detected protocol to the channel's pipeline, synchronously.
    package init(decide: @escaping (any Channel, Detected) throws -> Void) {
        self.decide = decide
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = Self.unwrapInboundIn(data)
        if self.buffered == nil {
            self.buffered = bytes
        } else {
            self.buffered!.writeBuffer(&bytes)
        }
        if let detected = Self.detect(self.buffered!) {
            self.finish(context: context, detected: detected)
        }
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed, self.buffered != nil {
            // The end of input follows the held bytes to the raw handlers; it must be passed on before this handler
            // leaves the pipeline, since a removed context passes nothing on.
            self.finish(context: context, detected: .raw, then: event)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// `nil` while a prefix of the bytes could still be an HTTP method.
    static func detect(_ bytes: ByteBuffer) -> Detected? {
        let prefix = bytes.getString(at: bytes.readerIndex, length: min(bytes.readableBytes, Self.longestMethod)) ?? ""
        if Self.methods.contains(where: { prefix.hasPrefix($0) }) {
            return .http
        }
        if Self.methods.contains(where: { $0.hasPrefix(prefix) }) {
            return nil
        }
        return .raw
    }

    /// Adds the handlers for `detected`, passes them the held bytes and then `event`, if any, and leaves.
    private func finish(context: ChannelHandlerContext, detected: Detected, then event: Any? = nil) {
        do {
            try self.decide(context.channel, detected)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        if let buffered = self.buffered {
            self.buffered = nil
            context.fireChannelRead(Self.wrapInboundOut(buffered))
            context.fireChannelReadComplete()
        }
        if let event {
            context.fireUserInboundEventTriggered(event)
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

@available(*, unavailable)
extension ProtocolSniffingHandler: Sendable {}
