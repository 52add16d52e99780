import NIOCore

/// What the shaper decided for one packet.
package struct PacketFate: Hashable, Sendable {
    /// Why a packet was dropped.
    package enum DropCause: Hashable, Sendable {
        case loss
        case outage
        case queueFull
    }

    /// When to release the packet, or `nil` if it is dropped.
    package var release: NIODeadline?
    package var dropCause: DropCause?
    /// When to release a copy, if the packet is duplicated.
    package var duplicateRelease: NIODeadline?
    /// The bit to flip (counted from the first byte's most significant bit), if the packet is corrupted.
    package var corruptedBit: Int?
    /// Whether the packet was held back to be overtaken.
    package var isReordered = false

    static func dropped(_ cause: DropCause) -> PacketFate {
        PacketFate(release: nil, dropCause: cause)
    }
}
