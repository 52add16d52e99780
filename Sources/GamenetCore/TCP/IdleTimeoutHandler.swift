import NIOCore

/// Closes a connection that has read nothing for `timeout`.
///
/// One timer per connection, re-armed only when it fires: a read just moves the deadline, so a busy connection costs
/// a timestamp per read rather than a timer.
package final class IdleTimeoutHandler: ChannelInboundHandler {
    package typealias InboundIn = NIOAny
    package typealias InboundOut = NIOAny

    private let timeout: TimeAmount
    private var lastRead = NIODeadline.uptimeNanoseconds(0)
    private var timer: Scheduled<Void>?

    package init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.arm(context: context)
        }
    }

    package func channelActive(context: ChannelHandlerContext) {
        self.arm(context: context)
        context.fireChannelActive()
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
        context.fireChannelInactive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.lastRead = context.eventLoop.now
        context.fireChannelRead(data)
    }

    private func arm(context: ChannelHandlerContext) {
        guard self.timer == nil else { return }
        self.lastRead = context.eventLoop.now
        self.schedule(context: context, deadline: self.lastRead + self.timeout)
    }

    private func schedule(context: ChannelHandlerContext, deadline: NIODeadline) {
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let handler = loopBoundSelf.value
            let context = loopBoundContext.value
            let idleUntil = handler.lastRead + handler.timeout
            if idleUntil > context.eventLoop.now {
                handler.schedule(context: context, deadline: idleUntil)
            } else {
                handler.timer = nil
                context.close(promise: nil)
            }
        }
    }
}

@available(*, unavailable)
extension IdleTimeoutHandler: Sendable {}
