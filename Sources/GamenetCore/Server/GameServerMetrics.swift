/// The server's counters, for `/metrics` and `/status`.
package struct GameServerMetrics: Hashable, Sendable {
    /// Sessions now, connected or within their resume window.
    package var sessions = 0
    /// Sessions with a connection now.
    package var connectedSessions = 0
    /// Sessions ever started.
    package var sessionsStarted = 0
    /// Resumes that succeeded.
    package var sessionsResumed = 0
    /// Resumes that failed, by reason.
    package var resumesRejected: [ResumeRejectionReason: Int] = [:]
    /// Sessions ended, by reason (`normal` for a client's goodbye, `sessionEnded` causes below).
    package var sessionsEnded: [GoodbyeReason: Int] = [:]
    /// Sessions whose resume window passed.
    package var sessionsExpired = 0
    /// Rooms now.
    package var rooms = 0
    /// Rooms ever created.
    package var roomsCreated = 0
    /// Messages and bytes received, datagrams included.
    package var messagesIn = 0
    package var bytesIn = 0
    /// Messages and bytes sent, datagrams included.
    package var messagesOut = 0
    package var bytesOut = 0
    /// Datagrams received and sent on the UDP port.
    package var datagramsIn = 0
    package var datagramsOut = 0
    /// Incoming messages dropped, by cause.
    package var drops: [GameDropCause: Int] = [:]
    /// Rate-limit warnings sent.
    package var rateLimitWarnings = 0
    /// Requests that timed out.
    package var requestTimeouts = 0
    /// Round-trip times measured by heartbeats.
    package var roundTripTimes = RoundTripHistogram()

    package init() {}

    mutating func countDrop(_ cause: GameDropCause) {
        self.drops[cause, default: 0] += 1
    }
}
