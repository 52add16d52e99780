/// Where a room's messages go once they are encoded: the seam between the room logic and the sessions.
///
/// The room logic encodes a message once and names its recipients; an implementation hands the same bytes to each.
/// ``SessionTable`` delivers to the sessions of this server. A cluster bus could implement it by delivering to its
/// local sessions and carrying the encoded bytes, with the ids of recipients elsewhere, to the other servers.
package protocol RoomFanout {
    /// Delivers `message`, encoded once, to every session in `recipients`, in the order given.
    mutating func deliver(_ message: EncodedGameMessage, to recipients: some Sequence<UInt64>)
}
