/// A reliable connection (TCP, WebSocket or KCP) as the runtime numbers it; the server only compares them.
package struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    package var rawValue: UInt64

    package init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    package static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    package var description: String { "connection \(self.rawValue)" }
}
