import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies bytes between a descriptor that an event loop cannot watch (a regular file, `/dev/null`, a terminal on
/// some systems) and a pipe that it can, on a thread of its own.
///
/// NIO's pipe channels need descriptors that epoll accepts; `gamenet connect ... < file` and `> file` give it
/// descriptors it refuses. The pump stands between, so every kind of standard input and output works the same.
enum DescriptorPump {
    /// Starts a thread that copies `source` into `destination` until `source` ends, then closes both.
    ///
    /// - Returns: a semaphore that is signalled when the copy is complete.
    @discardableResult
    static func start(from source: CInt, to destination: CInt) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            Self.copy(from: source, to: destination)
            close(source)
            close(destination)
            done.signal()
        }
        thread.name = "gamenet-stdio"
        thread.start()
        return done
    }

    /// Starts a thread that writes `bytes` into `destination`, then closes it.
    static func start(writing bytes: [UInt8], to destination: CInt) {
        let thread = Thread {
            Self.writeAll(bytes[...], to: destination)
            close(destination)
        }
        thread.name = "gamenet-send"
        thread.start()
    }

    private static func copy(from source: CInt, to destination: CInt) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            guard Self.writeAll(buffer[..<count], to: destination) else { return }
        }
    }

    @discardableResult
    private static func writeAll(_ bytes: ArraySlice<UInt8>, to destination: CInt) -> Bool {
        var remaining = bytes
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            remaining = remaining.dropFirst(written)
        }
        return true
    }
}
