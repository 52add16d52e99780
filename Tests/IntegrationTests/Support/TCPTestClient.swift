import Foundation

/// A blocking TCP connection to 127.0.0.1, with timeouts so that no read in a test waits forever. One thread may
/// send while another receives: the socket is the only shared state.
final class TCPTestClient: @unchecked Sendable {
    private let descriptor: Int32

    init(port: Int, timeout: TimeInterval = 10) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard self.descriptor >= 0 else { throw TestFailure("cannot create a TCP socket") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(self.descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(self.descriptor)
            throw TestFailure("cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    deinit {
        close(self.descriptor)
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestFailure("TCP send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Shuts the write side: the peer reads end of stream.
    func shutdownOutput() {
        shutdown(self.descriptor, Int32(SHUT_WR))
    }

    /// Reads until the peer closes or `limit` bytes arrived; fails on a timeout.
    func receive(upTo limit: Int = .max) throws -> [UInt8] {
        var result = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while result.count < limit {
            let count = buffer.withUnsafeMutableBytes {
                recv(self.descriptor, $0.baseAddress, min($0.count, limit - result.count), 0)
            }
            if count == 0 { break }
            guard count > 0 else { throw TestFailure("TCP receive failed after \(result.count) bytes: errno \(errno)") }
            result.append(contentsOf: buffer[..<count])
        }
        return result
    }
}
