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
        var text = ByteBuffer()
        text.reserveCapacity(64 + message.namespace.utf8.count + message.room.utf8.count + payload.readableBytes)
        // The keys in the order JSONEncoder's .sortedKeys gives them.
        text.writeStaticString(#"{"namespace":"#)
        text.writeJSONString(message.namespace)
        text.writeStaticString(#","payload":"#)
        payload.withUnsafeReadableBytes { text.writeJSONString($0) }
        text.writeStaticString(#","room":"#)
        text.writeJSONString(message.room)
        text.writeStaticString(#","senderID":"#)
        text.writeString(String(message.senderID))
        if let name = message.senderName {
            text.writeStaticString(#","senderName":"#)
            text.writeJSONString(name)
        }
        text.writeStaticString(#","type":"roomMessage"}"#)
        return text
    }
}

extension ByteBuffer {
    fileprivate mutating func writeJSONString(_ string: String) {
        var string = string
        string.withUTF8 { self.writeJSONString(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `utf8` as a JSON string the way swift-foundation's JSON writer does: `"` and `\` escaped, the control
    /// characters with their short escapes or as `\u00XX`, everything else (slashes and non-ASCII) as it is.
    fileprivate mutating func writeJSONString(_ utf8: UnsafeRawBufferPointer) {
        self.writeInteger(UInt8(ascii: "\""))
        // Runs that need no escape are copied whole.
        var runStart = 0
        for (index, byte) in utf8.enumerated() where Self.needsJSONEscape(byte) {
            self.writeBytes(UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): self.writeStaticString(#"\""#)
            case UInt8(ascii: "\\"): self.writeStaticString(#"\\"#)
            case 0x08: self.writeStaticString(#"\b"#)
            case 0x0C: self.writeStaticString(#"\f"#)
            case UInt8(ascii: "\n"): self.writeStaticString(#"\n"#)
            case UInt8(ascii: "\r"): self.writeStaticString(#"\r"#)
            case UInt8(ascii: "\t"): self.writeStaticString(#"\t"#)
            default:
                let hex: StaticString = "0123456789abcdef"
                self.writeStaticString(#"\u00"#)
                self.writeInteger(hex.utf8Start[Int(byte >> 4)])
                self.writeInteger(hex.utf8Start[Int(byte & 0xF)])
            }
        }
        self.writeBytes(UnsafeRawBufferPointer(rebasing: utf8[runStart...]))
        self.writeInteger(UInt8(ascii: "\""))
    }

    /// Whether JSON (RFC 8259 §7) needs `byte` escaped in a string.
    fileprivate static func needsJSONEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
