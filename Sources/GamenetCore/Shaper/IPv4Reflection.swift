/// Turns an IPv4 packet a TUN interface read around, so that writing it back delivers it to the other socket.
///
/// A packet the kernel routes into the TUN interface goes from the local address (say 10.73.0.1) to a peer address
/// on the interface's subnet (10.73.0.2). Swapping the two addresses makes it a packet *from* 10.73.0.2 *to*
/// 10.73.0.1 — what a peer at .2 would have sent — and the kernel, reading it back from the interface, delivers it
/// to whichever local socket it is for. So a client connected to 10.73.0.2:P reaches a server bound to 10.73.0.1:P,
/// and the server's answers reach the client, each packet having crossed the user-space link once. The IPv4 header
/// checksum and the TCP/UDP checksums (whose pseudo-header sums both addresses) are unchanged by the swap, so no
/// checksum is recomputed.
package enum IPv4Reflection {
    /// Which way a packet goes, told by its destination port.
    package enum Direction: Hashable, Sendable {
        /// Towards the server's port.
        case up
        /// From the server's port.
        case down
    }

    /// Swaps the source and destination addresses of the IPv4 packet in `packet`, and tells its direction: `up` if
    /// its TCP or UDP destination port is `serverPort`. Returns `nil` (leaving the bytes alone) for anything that is
    /// not a whole IPv4 TCP or UDP packet: IPv6, ICMP, a fragment past the first, a truncated header.
    package static func reflect(_ packet: UnsafeMutableRawBufferPointer, serverPort: UInt16) -> Direction? {
        guard packet.count >= 20, packet[0] >> 4 == 4 else { return nil }
        let headerLength = Int(packet[0] & 0x0F) * 4
        let protocolNumber = packet[9]
        let fragmentOffset = (UInt16(packet[6] & 0x1F) << 8) | UInt16(packet[7])
        guard headerLength >= 20, packet.count >= headerLength + 4, fragmentOffset == 0,
            protocolNumber == 6 || protocolNumber == 17
        else { return nil }
        for index in 0..<4 {
            let source = packet[12 + index]
            packet[12 + index] = packet[16 + index]
            packet[16 + index] = source
        }
        let destinationPort = (UInt16(packet[headerLength + 2]) << 8) | UInt16(packet[headerLength + 3])
        return destinationPort == serverPort ? .up : .down
    }
}
