import Foundation
import GamenetCore
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's standard input and output as one NIO pipe channel.
package enum StandardIO {
    /// Where the channel's input comes from.
    package enum Input: Sendable {
        /// The process's standard input.
        case standardInput
        /// Fixed bytes, followed by the end of input (`connect --send TEXT`).
        case bytes([UInt8])
    }

    /// Threads that copy the channel's output into a standard output that is not a pipe; waited for before exit.
    nonisolated(unsafe) private static var outputDrains: [DispatchSemaphore] = []
    private static let drainLock = NSLock()

    /// Opens a pipe channel on `eventLoop` that reads `input` and writes standard output.
    ///
    /// The channel allows half-closure: the end of input is an `inputClosed` event, and shutting the channel's
    /// output closes standard output.
    package static func makeChannel(
        input: Input,
        eventLoop: any EventLoop,
        initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel> {
        let descriptors: (input: CInt, output: CInt)
        do {
            descriptors = (try self.makeInputDescriptor(input), try self.makeOutputDescriptor())
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return NIOPipeBootstrap(group: eventLoop)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.autoRead, value: false)
            .channelInitializer(initializer)
            .takingOwnershipOfDescriptors(input: descriptors.input, output: descriptors.output)
    }

    /// Waits until everything written to standard output through a pump has reached it, for at most `timeout`.
    package static func waitForOutput(timeout: Duration = .seconds(5)) {
        let drains = Self.drainLock.withLock { Self.outputDrains }
        let deadline = DispatchTime.now() + .nanoseconds(Int(timeout.totalNanoseconds))
        for drain in drains {
            _ = drain.wait(timeout: deadline)
        }
    }

    private static func makeInputDescriptor(_ input: Input) throws -> CInt {
        switch input {
        case .standardInput:
            if Self.isPollable(STDIN_FILENO) {
                return try Self.duplicate(STDIN_FILENO)
            }
            let pipe = try Self.makePipe()
            DescriptorPump.start(from: try Self.duplicate(STDIN_FILENO), to: pipe.write)
            return pipe.read
        case .bytes(let bytes):
            let pipe = try Self.makePipe()
            DescriptorPump.start(writing: bytes, to: pipe.write)
            return pipe.read
        }
    }

    private static func makeOutputDescriptor() throws -> CInt {
        if Self.isPollable(STDOUT_FILENO) {
            return try Self.duplicate(STDOUT_FILENO)
        }
        let pipe = try Self.makePipe()
        let drain = DescriptorPump.start(from: pipe.read, to: try Self.duplicate(STDOUT_FILENO))
        Self.drainLock.withLock { Self.outputDrains.append(drain) }
        return pipe.write
    }

    /// Whether epoll can watch the descriptor: pipes and sockets can; files, `/dev/null` and terminals are left
    /// to a pump thread, which handles them all the same way.
    private static func isPollable(_ descriptor: CInt) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        let type = status.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFSOCK
    }

    private static func duplicate(_ descriptor: CInt) throws -> CInt {
        let copy = dup(descriptor)
        guard copy >= 0 else {
            throw GamenetError(.ioError, "cannot use descriptor \(descriptor): \(String(cString: strerror(errno)))")
        }
        return copy
    }

    private static func makePipe() throws -> (read: CInt, write: CInt) {
        var descriptors: [CInt] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw GamenetError(.ioError, "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        return (descriptors[0], descriptors[1])
    }
}
