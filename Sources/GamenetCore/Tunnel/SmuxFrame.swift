import NIOCore

/// One smux frame header (xtaci/smux `frame.go`), all integers little-endian:
///
/// ```
/// 0         1         2                   4                                       8
/// +---------+---------+-------------------+---------------------------------------+-----------------+
/// | version |   cmd   |   length (u16)    |            stream id (u32)            | data[length]    |
/// +---------+---------+-------------------+---------------------------------------+-----------------+
/// ```
/// A version 2 UPD frame's data is `consumed u32 | window u32`.
package struct SmuxFrame: Hashable, Sendable {
    /// The `cmd` byte.
    package enum Command: UInt8, Hashable, Sendable {
        /// Opens a stream; no data.
        case syn = 0
        /// The sender will write no more on the stream; no data.
        case fin = 1
        /// Stream data.
        case psh = 2
        /// Keepalive, on stream 0; no data.
        case nop = 3
        /// Version 2: the receiver's consumed byte count and window.
        case upd = 4
    }

    /// Bytes of the header.
    package static let headerSize = 8
    /// Bytes of a UPD frame's data.
    package static let updateSize = 8

    package var version: UInt8
    package var command: Command
    package var length: UInt16
    package var streamID: UInt32

    package init(version: UInt8, command: Command, length: UInt16 = 0, streamID: UInt32) {
        self.version = version
        self.command = command
        self.length = length
        self.streamID = streamID
    }
}

extension ByteBuffer {
    /// Writes a smux frame header.
    @discardableResult
    package mutating func writeSmuxFrameHeader(_ frame: SmuxFrame) -> Int {
        self.writeInteger(frame.version)
            + self.writeInteger(frame.command.rawValue)
            + self.writeInteger(frame.length, endianness: .little)
            + self.writeInteger(frame.streamID, endianness: .little)
    }

    /// Reads a smux frame header, or nil (reading nothing) if fewer than 8 bytes are readable. Throws on an unknown
    /// command, consuming nothing.
    package mutating func readSmuxFrameHeader() throws(SmuxError) -> SmuxFrame? {
        guard self.readableBytes >= SmuxFrame.headerSize else { return nil }
        let start = self.readerIndex
        let version = self.getInteger(at: start, as: UInt8.self)!
        let rawCommand = self.getInteger(at: start + 1, as: UInt8.self)!
        guard let command = SmuxFrame.Command(rawValue: rawCommand) else { throw .unknownCommand(rawCommand) }
        let length = self.getInteger(at: start + 2, endianness: .little, as: UInt16.self)!
        let streamID = self.getInteger(at: start + 4, endianness: .little, as: UInt32.self)!
        self.moveReaderIndex(forwardBy: SmuxFrame.headerSize)
        return SmuxFrame(version: version, command: command, length: length, streamID: streamID)
    }
}
