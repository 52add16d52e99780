import NIOCore
import NIOWebSocket

extension ByteBuffer {
    /// Masks (or unmasks: the same XOR) the readable bytes with a WebSocket masking key, eight bytes at a time.
    ///
    /// RFC 6455 §5.3: byte i of the payload is XORed with byte `i mod 4` of the key. NIO's own `webSocketMask` walks
    /// the payload byte by byte; this repeats the key into a 64-bit word and XORs whole words, which is several times
    /// faster on the large frames of bulk traffic.
    ///
    /// - Parameters:
    ///   - key: the four-byte masking key.
    ///   - indexOffset: the position in the payload of the first readable byte, for a payload masked in pieces.
    package mutating func gamenetWebSocketMask(_ key: WebSocketMaskingKey, indexOffset: Int = 0) {
        let rotation = indexOffset % 4
        let keyBytes: (UInt8, UInt8, UInt8, UInt8) = (
            key[rotation % 4], key[(rotation + 1) % 4], key[(rotation + 2) % 4], key[(rotation + 3) % 4]
        )
        let pattern32 =
            UInt32(keyBytes.0) | UInt32(keyBytes.1) << 8 | UInt32(keyBytes.2) << 16 | UInt32(keyBytes.3) << 24
        // Little-endian loads: byte 0 of the word is the lowest byte, so the pattern above lines up with the payload.
        let pattern = UInt64(littleEndian: UInt64(pattern32) | UInt64(pattern32) << 32)
        self.withUnsafeMutableReadableBytes { bytes in
            let count = bytes.count
            var index = 0
            while index + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                bytes.storeBytes(of: word ^ pattern, toByteOffset: index, as: UInt64.self)
                index += 8
            }
            while index < count {
                switch index % 4 {
                case 0: bytes[index] ^= keyBytes.0
                case 1: bytes[index] ^= keyBytes.1
                case 2: bytes[index] ^= keyBytes.2
                default: bytes[index] ^= keyBytes.3
                }
                index += 1
            }
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
        let rotation = indexOffset % 4
        let keyBytes: (UInt8, UInt8, UInt8, UInt8) = (
            key[rotation % 4], key[(rotation + 1) % 4], key[(rotation + 2) % 4], key[(rotation + 3) % 4]
        )
        let pattern32 =
            UInt32(keyBytes.0) | UInt32(keyBytes.1) << 8 | UInt32(keyBytes.2) << 16 | UInt32(keyBytes.3) << 24
        let pattern = UInt64(littleEndian: UInt64(pattern32) | UInt64(pattern32) << 32)
        self.reserveCapacity(minimumWritableBytes: count)
        let written = self.withUnsafeMutableWritableBytes { destination in
            source.withUnsafeReadableBytes { bytes in
                var index = 0
                while index + 8 <= count {
                    let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    destination.storeBytes(of: word ^ pattern, toByteOffset: index, as: UInt64.self)
                    index += 8
                }
                // The last zero to seven bytes; the word loop ends on a multiple of 8, so the key index is index % 4.
                while index < count {
                    switch index % 4 {
                    case 0: destination[index] = bytes[index] ^ keyBytes.0
                    case 1: destination[index] = bytes[index] ^ keyBytes.1
                    case 2: destination[index] = bytes[index] ^ keyBytes.2
                    default: destination[index] = bytes[index] ^ keyBytes.3
                    }
                    index += 1
                }
                return count
            }
        }
        self.moveWriterIndex(forwardBy: written)
    }
}
