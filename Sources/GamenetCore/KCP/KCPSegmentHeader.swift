import NIOCore

/// The 24-byte header of a KCP segment, all integers little-endian (ikcp.c `ikcp_encode_seg`).
///
/// ```
/// 0      4     5     6      8       12      16      20      24
/// | conv | cmd | frg | wnd  |  ts   |  sn   |  una  |  len  | data (len bytes) ...
/// ```
package struct KCPSegmentHeader: Hashable, Sendable {
    package static let size = 24

    /// The segment kinds: data, acknowledgement, window probe and window size.
    package enum Command: UInt8, Hashable, Sendable {
        case push = 81
        case ack = 82
        case windowAsk = 83
        case windowTell = 84
    }

    package var conversation: UInt32
    package var command: Command
    /// Message mode: how many fragments of the message follow this one. Stream mode: 0.
    package var fragment: UInt8
    /// The sender's free receive window, in segments.
    package var window: UInt16
    /// The sender's clock in ms; an ACK echoes the acknowledged segment's, which gives the round-trip time.
    package var timestamp: UInt32
    package var sequenceNumber: UInt32
    /// Every segment before this one has arrived.
    package var unacknowledged: UInt32
    package var length: UInt32

    package init(
        conversation: UInt32,
        command: Command,
        fragment: UInt8 = 0,
        window: UInt16,
        timestamp: UInt32,
        sequenceNumber: UInt32,
        unacknowledged: UInt32,
        length: UInt32
    ) {
        self.conversation = conversation
        self.command = command
        self.fragment = fragment
        self.window = window
        self.timestamp = timestamp
        self.sequenceNumber = sequenceNumber
        self.unacknowledged = unacknowledged
        self.length = length
    }
}

/// Why a datagram was refused; the reference returns -1, -2 and -3 for the same cases.
package enum KCPInputError: Error, Hashable, Sendable {
    /// Shorter than a header (-1).
    case truncated
    /// A segment for another conversation (-1).
    case wrongConversation(UInt32)
    /// A length field larger than what is left of the datagram (-2).
    case lengthBeyondDatagram
    /// A command other than 81...84 (-3).
    case unknownCommand(UInt8)
}

extension ByteBuffer {
    /// Writes a KCP segment header.
    @discardableResult
    package mutating func writeKCPSegmentHeader(_ header: KCPSegmentHeader) -> Int {
        self.writeInteger(header.conversation, endianness: .little)
        self.writeInteger(header.command.rawValue)
        self.writeInteger(header.fragment)
        self.writeInteger(header.window, endianness: .little)
        self.writeInteger(header.timestamp, endianness: .little)
        self.writeInteger(header.sequenceNumber, endianness: .little)
        self.writeInteger(header.unacknowledged, endianness: .little)
        self.writeInteger(header.length, endianness: .little)
        return KCPSegmentHeader.size
    }

    /// Reads a KCP segment header, checking the command and that the payload fits in what is left.
    package mutating func readKCPSegmentHeader() throws(KCPInputError) -> KCPSegmentHeader {
        guard self.readableBytes >= KCPSegmentHeader.size else { throw .truncated }
        let conversation = self.readInteger(endianness: .little, as: UInt32.self)!
        let rawCommand = self.readInteger(as: UInt8.self)!
        let fragment = self.readInteger(as: UInt8.self)!
        let window = self.readInteger(endianness: .little, as: UInt16.self)!
        let timestamp = self.readInteger(endianness: .little, as: UInt32.self)!
        let sequenceNumber = self.readInteger(endianness: .little, as: UInt32.self)!
        let unacknowledged = self.readInteger(endianness: .little, as: UInt32.self)!
        let length = self.readInteger(endianness: .little, as: UInt32.self)!
        guard Int(length) <= self.readableBytes else { throw .lengthBeyondDatagram }
        guard let command = KCPSegmentHeader.Command(rawValue: rawCommand) else { throw .unknownCommand(rawCommand) }
        return KCPSegmentHeader(
            conversation: conversation,
            command: command,
            fragment: fragment,
            window: window,
            timestamp: timestamp,
            sequenceNumber: sequenceNumber,
            unacknowledged: unacknowledged,
            length: length
        )
    }

    /// The conversation id of a datagram that starts with a KCP segment, if it is long enough to hold one.
    package func peekKCPConversation() -> UInt32? {
        guard self.readableBytes >= KCPSegmentHeader.size else { return nil }
        return self.getInteger(at: self.readerIndex, endianness: .little, as: UInt32.self)
    }
}
