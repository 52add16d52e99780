import Foundation

/// Starts gamenet and socat the way the tests use them and reads back the ports they bound.
enum Launch {
    /// Runs `gamenet ARGS` that listens, and returns it with the port of its first `listening on` line.
    static func gamenetListening(_ arguments: [String]) throws -> (process: ChildProcess, port: Int) {
        let process = try ChildProcess(Peers.gamenet, arguments)
        let groups = try process.waitForStandardError(matching: #"listening on [a-z]+://[^ ]*:([0-9]+)"#)
        return (process, Int(groups[1])!)
    }

    /// Runs socat with `-d -d` and returns it with the port its listening address bound (socat prints
    /// `listening on AF=2 127.0.0.1:PORT` at notice level).
    static func socatListening(_ addresses: [String]) throws -> (process: ChildProcess, port: Int) {
        let socat = try Peers.require("socat")
        let process = try ChildProcess(socat, ["-d", "-d"] + addresses)
        let groups = try process.waitForStandardError(matching: #"listening on (?:UDP )?AF=[0-9]+ [^ ]*:([0-9]+)"#)
        return (process, Int(groups[1])!)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on: bound, read back and closed.
    static func closedTCPPort() throws -> Int {
        try Self.closedPort(type: Int32(SOCK_STREAM.rawValue))
    }

    /// A UDP port on 127.0.0.1 that nothing listens on: bound, read back and closed.
    static func closedUDPPort() throws -> Int {
        try Self.closedPort(type: Int32(SOCK_DGRAM.rawValue))
    }

    private static func closedPort(type: Int32) throws -> Int {
        let descriptor = socket(AF_INET, type, 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(descriptor, raw, length) == 0, getsockname(descriptor, raw, &length) == 0 else {
                    throw TestFailure("cannot bind a probe socket")
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
