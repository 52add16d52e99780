import NIOCore

/// Sits at the head of an `EmbeddedChannel`'s pipeline and records the `read` and `close` calls that reach the
/// "socket", which `EmbeddedChannel` itself ignores (`read`) or cannot tell apart (`close(mode:)`).
final class OutboundEventRecorder: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny

    /// How many `read()` calls reached the head of the pipeline.
    private(set) var reads = 0
    /// The mode of every `close` that reached the head of the pipeline, in order.
    private(set) var closeModes: [CloseMode] = []
    /// Whether a `close(mode: .output)` is passed on to `EmbeddedChannel`, which would close the whole channel.
    /// When false the output close is only recorded and succeeds, so the channel stays open as a real half-closed
    /// socket would.
    private let passesOutputClose: Bool

    init(passesOutputClose: Bool = true) {
        self.passesOutputClose = passesOutputClose
    }

    func read(context: ChannelHandlerContext) {
        self.reads += 1
        context.read()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        self.closeModes.append(mode)
        if mode == .output, !self.passesOutputClose {
            promise?.succeed(())
            return
        }
        context.close(mode: mode, promise: promise)
    }
}

@available(*, unavailable)
extension OutboundEventRecorder: Sendable {}
