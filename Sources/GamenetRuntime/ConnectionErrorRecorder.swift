import GamenetCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The last handler of a relayed channel: logs what went wrong on the connection and keeps the first failure, which
/// decides the exit status of a command that serves one connection (`connect`, `proxy -`).
package final class ConnectionErrorRecorder: ChannelInboundHandler {
    package typealias InboundIn = Any

    /// The first failure among the channels that share it.
    package final class FirstError: Sendable {
        private let box = NIOLockedValueBox<GamenetError?>(nil)
        /// Whether the first error ends the command and is printed then, so logging it too would say it twice.
        let isReportedAtExit: Bool

        package init(isReportedAtExit: Bool = false) {
            self.isReportedAtExit = isReportedAtExit
        }

        package var error: GamenetError? {
            self.box.withLockedValue { $0 }
        }

        /// Keeps `error` if it is the first, and says whether it was.
        @discardableResult
        func record(_ error: GamenetError) -> Bool {
            self.box.withLockedValue {
                guard $0 == nil else { return false }
                $0 = error
                return true
            }
        }
    }

    private let label: String
    private let logger: Logger
    private let firstError: FirstError

    package init(label: String, logger: Logger, firstError: FirstError) {
        self.label = label
        self.logger = logger
        self.firstError = firstError
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure = Self.classify(error, label: self.label)
        let isFirst = self.firstError.record(failure)
        if isFirst, self.firstError.isReportedAtExit {
            self.logger.debug("\(failure.message)")
        } else {
            self.logger.warning("\(failure.message)")
        }
    }

    /// Maps an error on an open connection to a ``GamenetError``: a peer that refuses or vanishes is "unavailable",
    /// malformed framing is "bad data", anything else is an I/O error.
    static func classify(_ error: any Error, label: String) -> GamenetError {
        switch error {
        case let error as FramingError:
            return GamenetError(.badData, "\(label): \(error)")
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ETIMEDOUT:
                return GamenetError(.unavailable, "\(label): \(ConnectError.reason(error))")
            default:
                return GamenetError(.ioError, "\(label): \(ConnectError.reason(error))")
            }
        default:
            return GamenetError(.ioError, "\(label): \(ConnectError.reason(error))")
        }
    }
}

@available(*, unavailable)
extension ConnectionErrorRecorder: Sendable {}
