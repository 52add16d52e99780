/// Why a smux session ended: the peer broke the protocol, or fell silent.
package enum SmuxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A frame of another smux version; smux kills the session on one (`errInvalidProtocol`), so both ends must use
    /// the same `--smuxver`.
    case versionMismatch(expected: UInt8, received: UInt8)
    /// A `cmd` byte smux does not define.
    case unknownCommand(UInt8)
    /// A UPD frame whose length is not 8, or a UPD frame in version 1.
    case malformedUpdate(length: Int)
    /// Nothing arrived for the keepalive timeout.
    case keepaliveTimeout(milliseconds: Int64)

    package var description: String {
        switch self {
        case .versionMismatch(let expected, let received):
            return "smux: frame of version \(received), expected \(expected) (both ends need the same --smuxver)"
        case .unknownCommand(let command):
            return "smux: unknown command \(command)"
        case .malformedUpdate(let length):
            return "smux: malformed window update of \(length) bytes"
        case .keepaliveTimeout(let milliseconds):
            return "smux: peer silent for \(milliseconds) ms"
        }
    }
}
