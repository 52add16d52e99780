import NIOCore

/// Reads the fields of one binary message, and says exactly which field is short, too long or malformed.
package struct GameBinaryReader {
    private var buffer: ByteBuffer

    package init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// Bytes not read yet.
    package var remaining: Int { self.buffer.readableBytes }

    /// A big-endian integer.
    package mutating func readInteger<Integer: FixedWidthInteger>(
        field: String,
        as: Integer.Type
    ) throws(GameProtocolError) -> Integer {
        guard let value = self.buffer.readInteger(endianness: .big, as: Integer.self) else {
            throw .truncated(field: field, needed: MemoryLayout<Integer>.size, available: self.remaining)
        }
        return value
    }

    /// A 16-byte session key.
    package mutating func readSessionKey(field: String) throws(GameProtocolError) -> SessionKey {
        guard self.remaining >= SessionKey.byteCount else {
            throw .truncated(field: field, needed: SessionKey.byteCount, available: self.remaining)
        }
        let high = try self.readInteger(field: field, as: UInt64.self)
        let low = try self.readInteger(field: field, as: UInt64.self)
        return SessionKey(high: high, low: low)
    }

    /// A string: a 16-bit length, then that many bytes of UTF-8.
    package mutating func readString(field: String, limit: Int) throws(GameProtocolError) -> String {
        let length = Int(try self.readInteger(field: field, as: UInt16.self))
        guard length <= limit else { throw .fieldTooLong(field: field, length: length, limit: limit) }
        guard let bytes = self.buffer.readSlice(length: length) else {
            throw .truncated(field: field, needed: length, available: self.remaining)
        }
        var validator = UTF8Validator()
        guard bytes.withUnsafeReadableBytes({ validator.validate($0) }), validator.isComplete else {
            throw .invalidUTF8(field: field)
        }
        return String(buffer: bytes)
    }

    /// A payload: a 32-bit length, then that many bytes, as a slice of the message (no copy).
    package mutating func readPayload(field: String) throws(GameProtocolError) -> GamePayload {
        let length = Int(try self.readInteger(field: field, as: UInt32.self))
        guard let bytes = self.buffer.readSlice(length: length) else {
            throw .truncated(field: field, needed: length, available: self.remaining)
        }
        return GamePayload(bytes)
    }

    /// A version list: an 8-bit count of at least 1, then that many 16-bit versions.
    package mutating func readVersions(field: String) throws(GameProtocolError) -> [UInt16] {
        let count = try self.readInteger(field: field, as: UInt8.self)
        guard count > 0 else { throw .invalidValue(field: field, value: 0) }
        var versions: [UInt16] = []
        versions.reserveCapacity(Int(count))
        for _ in 0..<count {
            versions.append(try self.readInteger(field: field, as: UInt16.self))
        }
        return versions
    }

    /// Fails when bytes are left after the message.
    package func finish() throws(GameProtocolError) {
        guard self.remaining == 0 else { throw .trailingBytes(count: self.remaining) }
    }
}
