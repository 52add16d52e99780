import Foundation

/// A blocking UDP socket connected to one port on 127.0.0.1, with a receive timeout so no wait is unbounded.
final class UDPTestClient {
    private let descriptor: Int32

    init(port: Int, receiveTimeout: TimeInterval = 2) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard self.descriptor >= 0 else { throw TestFailure("cannot create a UDP socket") }
        var timeout = timeval(
            tv_sec: Int(receiveTimeout),
            tv_usec: Int(receiveTimeout.truncatingRemainder(dividingBy: 1) * 1e6)
        )
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw TestFailure("cannot connect the UDP socket") }
    }

    deinit {
        close(self.descriptor)
    }

    func send(_ bytes: [UInt8]) throws {
        let sent = bytes.withUnsafeBytes { Glibc.send(self.descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { throw TestFailure("UDP send failed: errno \(errno)") }
    }

    /// Receives one datagram, or `nil` after the receive timeout.
    func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return Array(buffer[..<count])
    }
}
