import NIOCore

/// Writes the JSON text of the messages a room sends most, byte for byte what ``GameJSONCodec`` makes with
/// `JSONEncoder` (sorted keys, slashes unescaped), without going through `Codable`.
///
/// A room message is encoded once per broadcast for all of the room's JSON members, so its cost is paid on every
/// message a room relays; through `Encodable` it is a tree of boxed values, a `Data` and a copy. Messages it does not
/// cover, and payloads that are not UTF-8 (which JSON carries as base64), are left to the encoder.
enum GameJSONWriter {
    /// The text of `message` without `"seq"`, or `nil` when the encoder must make it.
    static func encode(_ message: GameMessage) -> ByteBuffer? {
        guard case .roomMessage(let roomMessage) = message else { return nil }
        return self.encode(roomMessage)
    }

    private static func encode(_ message: GameMessage.RoomMessage) -> ByteBuffer? {
        var validator = UTF8Validator()
        let payload = message.payload.bytes
        guard payload.withUnsafeReadableBytes({ validator.validate($0) }), validator.isComplete else { return nil }
        var namespace = message.namespace
        var room = message.room
        var name = message.senderName
        return namespace.withUTF8 { namespace in
            room.withUTF8 { room in
                payload.withUnsafeReadableBytes { payload in
                    Self.withUTF8(&name) { name in
                        Self.roomMessage(
                            namespace: UnsafeRawBufferPointer(namespace),
                            room: UnsafeRawBufferPointer(room),
                            senderID: message.senderID,
                            senderName: name,
                            payload: payload
                        )
                    }
                }
            }
        }
    }

    private static func withUTF8<Result>(
        _ string: inout String?,
        _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        guard string != nil else { return body(nil) }
        return string!.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// The text of a room message from its fields' bytes, sized first and then stored through one pointer.
    private static func roomMessage(
        namespace: UnsafeRawBufferPointer,
        room: UnsafeRawBufferPointer,
        senderID: UInt64,
        senderName: UnsafeRawBufferPointer?,
        payload: UnsafeRawBufferPointer
    ) -> ByteBuffer {
        // The keys in the order JSONEncoder's .sortedKeys gives them.
        let start: StaticString = #"{"namespace":"#
        let payloadKey: StaticString = #","payload":"#
        let roomKey: StaticString = #","room":"#
        let senderIDKey: StaticString = #","senderID":"#
        let senderNameKey: StaticString = #","senderName":"#
        let end: StaticString = #","type":"roomMessage"}"#
        var digitCount = 1
        var rest = senderID / 10
        while rest > 0 {
            digitCount += 1
            rest /= 10
        }
        var size = start.utf8CodeUnitCount + payloadKey.utf8CodeUnitCount + roomKey.utf8CodeUnitCount
        size += senderIDKey.utf8CodeUnitCount + digitCount + end.utf8CodeUnitCount
        size += Self.quotedLength(namespace) + Self.quotedLength(payload) + Self.quotedLength(room)
        if let senderName {
            size += senderNameKey.utf8CodeUnitCount + Self.quotedLength(senderName)
        }
        var text = ByteBuffer()
        text.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            var at = 0
            func store(_ part: StaticString) {
                (out.baseAddress! + at).copyMemory(from: part.utf8Start, byteCount: part.utf8CodeUnitCount)
                at += part.utf8CodeUnitCount
            }
            store(start)
            Self.storeQuoted(namespace, into: out, at: &at)
            store(payloadKey)
            Self.storeQuoted(payload, into: out, at: &at)
            store(roomKey)
            Self.storeQuoted(room, into: out, at: &at)
            store(senderIDKey)
            var value = senderID
            for index in stride(from: at + digitCount - 1, through: at, by: -1) {
                out[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            at += digitCount
            if let senderName {
                store(senderNameKey)
                Self.storeQuoted(senderName, into: out, at: &at)
            }
            store(end)
            return at
        }
        return text
    }

    /// The length of `utf8` as a JSON string with its quotes: escapes are 2 bytes, or 6 for `\u00XX`.
    private static func quotedLength(_ utf8: UnsafeRawBufferPointer) -> Int {
        var length = utf8.count + 2
        for byte in utf8 where Self.needsEscape(byte) {
            length += Self.shortEscape(byte) == nil ? 5 : 1
        }
        return length
    }

    /// Stores `utf8` as a JSON string the way swift-foundation's JSON writer does: `"` and `\` escaped, the control
    /// characters with their short escapes or as `\u00XX`, everything else (slashes and non-ASCII) as it is.
    private static func storeQuoted(
        _ utf8: UnsafeRawBufferPointer,
        into out: UnsafeMutableRawBufferPointer,
        at: inout Int
    ) {
        out[at] = UInt8(ascii: "\"")
        at += 1
        // Runs that need no escape are copied whole.
        var runStart = 0
        func copyRun(to end: Int) {
            guard end > runStart else { return }
            (out.baseAddress! + at).copyMemory(from: utf8.baseAddress! + runStart, byteCount: end - runStart)
            at += end - runStart
        }
        for (index, byte) in utf8.enumerated() where Self.needsEscape(byte) {
            copyRun(to: index)
            runStart = index + 1
            out[at] = UInt8(ascii: "\\")
            if let short = Self.shortEscape(byte) {
                out[at + 1] = short
                at += 2
            } else {
                let hex: StaticString = "0123456789abcdef"
                out[at + 1] = UInt8(ascii: "u")
                out[at + 2] = UInt8(ascii: "0")
                out[at + 3] = UInt8(ascii: "0")
                out[at + 4] = hex.utf8Start[Int(byte >> 4)]
                out[at + 5] = hex.utf8Start[Int(byte & 0xF)]
                at += 6
            }
        }
        copyRun(to: utf8.count)
        out[at] = UInt8(ascii: "\"")
        at += 1
    }

    /// Whether JSON (RFC 8259 §7) needs `byte` escaped in a string.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The letter after the backslash of a two-byte escape, or `nil` when `byte` is written `\u00XX`.
    private static func shortEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""): return UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): return UInt8(ascii: "\\")
        case 0x08: return UInt8(ascii: "b")
        case 0x0C: return UInt8(ascii: "f")
        case UInt8(ascii: "\n"): return UInt8(ascii: "n")
        case UInt8(ascii: "\r"): return UInt8(ascii: "r")
        case UInt8(ascii: "\t"): return UInt8(ascii: "t")
        default: return nil
        }
    }
}
