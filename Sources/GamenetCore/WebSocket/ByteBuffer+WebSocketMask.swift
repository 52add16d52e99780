import NIOCore
import NIOWebSocket

extension ByteBuffer {
    /// Masks (or unmasks: the same XOR) the readable bytes with a WebSocket masking key, many bytes at a time.
    ///
    /// RFC 6455 §5.3: byte i of the payload is XORed with byte `i mod 4` of the key. NIO's own `webSocketMask` walks
    /// the payload byte by byte; this repeats the key into a 64-byte vector and XORs whole vectors, which is many times
    /// faster on the large frames of bulk traffic.
    ///
    /// - Parameters:
    ///   - key: the four-byte masking key.
    ///   - indexOffset: the position in the payload of the first readable byte, for a payload masked in pieces.
    package mutating func gamenetWebSocketMask(_ key: WebSocketMaskingKey, indexOffset: Int = 0) {
        self.withUnsafeMutableReadableBytes { bytes in
            Self.webSocketMask(UnsafeRawBufferPointer(bytes), into: bytes, key: key, indexOffset: indexOffset)
        }
    }

    /// Appends `source`'s readable bytes masked (or unmasked) with `key`, in one pass.
    ///
    /// A payload sliced from a read buffer shares that buffer's storage, so masking it in place would first copy it
    /// (copy-on-write) and then XOR it: two passes over the data. Writing the XOR straight into a buffer of our own is
    /// one pass.
    ///
    /// - Parameters:
    ///   - source: the bytes to mask; only its readable bytes are read.
    ///   - key: the four-byte masking key.
    ///   - indexOffset: the position in the payload of `source`'s first readable byte, for a payload that arrives in
    ///     pieces (§5.3: the key index runs on across the whole payload).
    package mutating func writeWebSocketMasked(_ source: ByteBuffer, key: WebSocketMaskingKey, indexOffset: Int = 0) {
        let count = source.readableBytes
        self.reserveCapacity(minimumWritableBytes: count)
        self.withUnsafeMutableWritableBytes { destination in
            source.withUnsafeReadableBytes { bytes in
                Self.webSocketMask(bytes, into: destination, key: key, indexOffset: indexOffset)
            }
        }
        self.moveWriterIndex(forwardBy: count)
    }

    /// Writes `source` XORed with the key, starting at key index `indexOffset`, to the start of `destination`, which
    /// may be `source` itself.
    ///
    /// 64 bytes at a time, then 8, then one: the compiler turns the 64-byte vector into the widest registers the
    /// target has, close to the speed of a plain copy, where a loop over 8-byte words runs at about a quarter of it.
    private static func webSocketMask(
        _ source: UnsafeRawBufferPointer,
        into destination: UnsafeMutableRawBufferPointer,
        key: WebSocketMaskingKey,
        indexOffset: Int
    ) {
        let count = source.count
        guard count > 0, let from = source.baseAddress, let to = destination.baseAddress else { return }
        precondition(destination.count >= count)
        let rotation = indexOffset % 4
        let keyBytes: (UInt8, UInt8, UInt8, UInt8) = (
            key[rotation % 4], key[(rotation + 1) % 4], key[(rotation + 2) % 4], key[(rotation + 3) % 4]
        )
        let pattern32 =
            UInt32(keyBytes.0) | UInt32(keyBytes.1) << 8 | UInt32(keyBytes.2) << 16 | UInt32(keyBytes.3) << 24
        // Little-endian loads: byte 0 of the word is the lowest byte, so the pattern above lines up with the payload.
        let pattern = UInt64(littleEndian: UInt64(pattern32) | UInt64(pattern32) << 32)
        let vectorPattern = SIMD8<UInt64>(repeating: pattern)
        var index = 0
        while index + 64 <= count {
            let block = (from + index).loadUnaligned(as: SIMD8<UInt64>.self)
            (to + index).storeBytes(of: block ^ vectorPattern, as: SIMD8<UInt64>.self)
            index += 64
        }
        while index + 8 <= count {
            let word = (from + index).loadUnaligned(as: UInt64.self)
            (to + index).storeBytes(of: word ^ pattern, as: UInt64.self)
            index += 8
        }
        // The last zero to seven bytes; the loops above end on a multiple of 8, so the key index is index % 4.
        while index < count {
            let byte = from.load(fromByteOffset: index, as: UInt8.self)
            switch index % 4 {
            case 0: to.storeBytes(of: byte ^ keyBytes.0, toByteOffset: index, as: UInt8.self)
            case 1: to.storeBytes(of: byte ^ keyBytes.1, toByteOffset: index, as: UInt8.self)
            case 2: to.storeBytes(of: byte ^ keyBytes.2, toByteOffset: index, as: UInt8.self)
            default: to.storeBytes(of: byte ^ keyBytes.3, toByteOffset: index, as: UInt8.self)
            }
            index += 1
        }
    }
}
