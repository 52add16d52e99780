/// How a byte stream (TCP, standard I/O) is cut into messages, and messages joined into a byte stream, where a
/// stream meets a message transport (UDP, KCP, WebSocket).
package enum FramingMode: String, Hashable, Sendable, CaseIterable {
    /// Each read from the stream is one message, and a message is written as its bytes alone.
    case raw
    /// One message per line: a read line loses its `\n` (and a `\r` before it); a written message gets a `\n`.
    case lines
    /// Each message is preceded by its length as a 16-bit big-endian number.
    case len16
    /// Each message is preceded by its length as a 32-bit big-endian number.
    case len32

    /// The largest message this framing can carry, whatever the transport.
    package var largestMessage: Int {
        switch self {
        case .raw, .lines: return Int(UInt32.max)
        case .len16: return Int(UInt16.max)
        case .len32: return Int(UInt32.max)
        }
    }
}
