import NIOCore

/// A sans-IO endpoint that a ``VirtualLink`` drives in virtual time: a KCP session, an FEC encoder and decoder, or a
/// test's own sender and receiver.
///
/// The three requirements mirror how the reference KCP is driven, with the time passed in rather than read:
/// - ``receive(_:now:)`` is `ikcp_input`: a datagram arrived from the link;
/// - ``transmit(now:)`` is `ikcp_update` (which flushes): the datagrams to put on the link now;
/// - ``nextWakeUp(now:)`` is `ikcp_check`: when `transmit(now:)` has something to do next.
///
/// The link calls `transmit(now:)` after every event, whether or not the endpoint's wake-up has come, so an endpoint
/// can answer a datagram at the instant it arrives (an acknowledgement, an echo). An endpoint with nothing due returns
/// an empty array.
package protocol VirtualEndpoint {
    /// Takes a datagram that arrives from the link at `now`.
    mutating func receive(_ datagram: ByteBuffer, now: NIODeadline)

    /// The datagrams the endpoint sends at `now`, in order; empty when nothing is due.
    mutating func transmit(now: NIODeadline) -> [ByteBuffer]

    /// When the endpoint next needs ``transmit(now:)``, or `nil` if it only waits for datagrams.
    ///
    /// A deadline at or before `now` means "at once": the link polls again without moving its clock. An endpoint
    /// that keeps answering so without sending anything makes no progress, which the link's step limit catches.
    func nextWakeUp(now: NIODeadline) -> NIODeadline?
}
