import NIOCore

extension ByteBuffer {
    /// Writes a string as a 16-bit big-endian byte count and its UTF-8 bytes.
    package mutating func writeGameString(_ string: String, field: String, limit: Int) throws(GameProtocolError) {
        let length = string.utf8.count
        guard length <= limit else { throw .fieldTooLong(field: field, length: length, limit: limit) }
        self.writeInteger(UInt16(length))
        self.writeString(string)
    }

    /// Writes a payload as a 32-bit big-endian byte count and its bytes.
    package mutating func writeGamePayload(_ payload: GamePayload, field: String) throws(GameProtocolError) {
        guard payload.count <= Int(UInt32.max) else {
            throw .fieldTooLong(field: field, length: payload.count, limit: Int(UInt32.max))
        }
        self.writeInteger(UInt32(payload.count))
        var bytes = payload.bytes
        self.writeBuffer(&bytes)
    }

    /// Writes a session key as 16 bytes.
    package mutating func writeSessionKey(_ key: SessionKey) {
        self.writeInteger(key.high)
        self.writeInteger(key.low)
    }

    /// Writes a version list as an 8-bit count and 16-bit versions.
    package mutating func writeGameVersions(_ versions: [UInt16], field: String) throws(GameProtocolError) {
        guard !versions.isEmpty else { throw .invalidValue(field: field, value: 0) }
        guard versions.count <= Int(UInt8.max) else {
            throw .fieldTooLong(field: field, length: versions.count, limit: Int(UInt8.max))
        }
        self.writeInteger(UInt8(versions.count))
        for version in versions {
            self.writeInteger(version)
        }
    }

    /// Writes the 16-bit element count of a list.
    package mutating func writeGameCount(_ count: Int, field: String) throws(GameProtocolError) {
        guard count <= Int(UInt16.max) else {
            throw .fieldTooLong(field: field, length: count, limit: Int(UInt16.max))
        }
        self.writeInteger(UInt16(count))
    }
}
