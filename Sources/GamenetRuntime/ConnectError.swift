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

/// Turns the errors NIO reports for connecting and binding into one-line ``GamenetError``s.
enum ConnectError {
    /// A failed connection to `endpoint`: refused, unreachable, unresolvable or timed out (exit 69).
    static func connecting(to endpoint: NetworkEndpoint, _ error: any Error) -> GamenetError {
        GamenetError(.unavailable, "cannot connect to \(endpoint): \(Self.reason(error))")
    }

    /// A failed bind of `endpoint` (exit 69).
    static func listening(on endpoint: NetworkEndpoint, _ error: any Error) -> GamenetError {
        GamenetError(.unavailable, "cannot listen on \(endpoint): \(Self.reason(error))")
    }

    /// A short reason for an error, such as "connection refused" or "timed out after 5s".
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as GamenetError:
            return error.message
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first {
                return Self.reason(first.error)
            }
            if let dnsError = error.dnsAAAAError ?? error.dnsAError {
                return "cannot resolve \(error.host): \(Self.reason(dnsError))"
            }
            return "no address for \(error.host)"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case ChannelError.connectTimeout(let timeout):
            return "timed out after \(Duration.nanoseconds(timeout.nanoseconds).shortDescription)"
        case let error as SocketAddressError:
            switch error {
            case .unknown(let host, _): return "cannot resolve host '\(host)'"
            default: return "\(error)"
            }
        default:
            return "\(error)"
        }
    }
}
