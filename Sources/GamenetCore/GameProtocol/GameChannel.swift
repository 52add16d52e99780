/// How a message travels: reliably, in order and replayed on resume, or unreliably, as a datagram when the session
/// has bound UDP.
///
/// Only reliable messages from the server carry a sequence number. Unreliable ones are never replayed, and go over
/// the reliable connection without a sequence number when the session has no UDP address, so a client whose UDP
/// bind went unanswered keeps playing.
package enum GameChannel: String, Hashable, Sendable, Codable, CaseIterable {
    case reliable
    case unreliable
}
