import NIOCore

/// Reads the JSON text of the message clients send most, a room broadcast, without going through `Codable`.
///
/// It takes only the plain form: one flat object whose keys are the broadcast's (`type`, `namespace`, `room`,
/// `payload`, `includesSender`, `channel`), each once, with strings that have no escapes and booleans. Anything else
/// (another message, an escape, a number, a nested object, an unknown or repeated key, a syntax error) makes it give
/// up, and ``GameJSONCodec`` decodes the text with `JSONDecoder`, which also words the errors. What it does read is
/// what `JSONDecoder` reads from the same text; the payload string is a slice of the text, not a copy.
package struct GameJSONScanner {
    private let text: ByteBuffer
    private var index: Int
    private let end: Int

    private init(_ text: ByteBuffer) {
        self.text = text
        self.index = text.readerIndex
        self.end = text.writerIndex
    }

    /// The broadcast in `text`, or `nil` when `JSONDecoder` must read it.
    package static func broadcast(in text: ByteBuffer) -> GameMessage.Broadcast? {
        // JSONDecoder refuses text that is not UTF-8; String(buffer:) would repair it.
        var validator = UTF8Validator()
        guard text.withUnsafeReadableBytes({ validator.validate($0) }), validator.isComplete else { return nil }
        var scanner = GameJSONScanner(text)
        return scanner.scanBroadcast()
    }

    private mutating func scanBroadcast() -> GameMessage.Broadcast? {
        var type: ByteBuffer?
        var namespace: ByteBuffer?
        var room: ByteBuffer?
        var payload: ByteBuffer?
        var includesSender: Bool?
        var channel: ByteBuffer?
        guard self.consume(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = self.scanString(), self.consume(UInt8(ascii: ":")) else { return nil }
            switch key.readableBytes {
            case 4 where key.equals("type"):
                guard type == nil, let value = self.scanString() else { return nil }
                type = value
            case 4 where key.equals("room"):
                guard room == nil, let value = self.scanString() else { return nil }
                room = value
            case 7 where key.equals("payload"):
                guard payload == nil, let value = self.scanString() else { return nil }
                payload = value
            case 7 where key.equals("channel"):
                guard channel == nil, let value = self.scanString() else { return nil }
                channel = value
            case 9 where key.equals("namespace"):
                guard namespace == nil, let value = self.scanString() else { return nil }
                namespace = value
            case 14 where key.equals("includesSender"):
                guard includesSender == nil, let value = self.scanBool() else { return nil }
                includesSender = value
            default:
                return nil
            }
        } while self.consume(UInt8(ascii: ","))
        guard self.consume(UInt8(ascii: "}")) else { return nil }
        self.skipWhitespace()
        guard self.index == self.end, let type, type.equals("broadcast"), let namespace, let room, let payload else {
            return nil
        }
        let parsedChannel: GameChannel
        switch channel {
        case nil: parsedChannel = .reliable
        case let value? where value.equals("reliable"): parsedChannel = .reliable
        case let value? where value.equals("unreliable"): parsedChannel = .unreliable
        default: return nil
        }
        return GameMessage.Broadcast(
            namespace: String(buffer: namespace),
            room: String(buffer: room),
            includesSender: includesSender ?? false,
            channel: parsedChannel,
            payload: GamePayload(payload)
        )
    }

    /// A string's bytes between its quotes, when it has no escapes and no control characters.
    private mutating func scanString() -> ByteBuffer? {
        guard self.consume(UInt8(ascii: "\"")) else { return nil }
        let start = self.index
        let closing: Int? = self.text.withUnsafeReadableBytes { bytes in
            let offset = start - self.text.readerIndex
            for position in offset..<bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""): return position + self.text.readerIndex
                // An escape is for JSONDecoder to undo; a raw control character is invalid JSON (RFC 8259 §7).
                case UInt8(ascii: "\\"), 0x00..<0x20: return nil
                default: continue
                }
            }
            return nil
        }
        guard let closing else { return nil }
        self.index = closing + 1
        return self.text.getSlice(at: start, length: closing - start)
    }

    private mutating func scanBool() -> Bool? {
        self.skipWhitespace()
        if self.consumeWord("true") { return true }
        if self.consumeWord("false") { return false }
        return nil
    }

    /// Skips whitespace, then takes `byte` if it is next.
    private mutating func consume(_ byte: UInt8) -> Bool {
        self.skipWhitespace()
        guard self.index < self.end, self.text.getInteger(at: self.index, as: UInt8.self) == byte else { return false }
        self.index += 1
        return true
    }

    private mutating func consumeWord(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard self.index + length <= self.end,
            let slice = self.text.getSlice(at: self.index, length: length), slice.equals(word)
        else { return false }
        self.index += length
        return true
    }

    private mutating func skipWhitespace() {
        // RFC 8259 §2: space, tab, line feed, carriage return.
        while self.index < self.end {
            switch self.text.getInteger(at: self.index, as: UInt8.self) {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): self.index += 1
            default: return
            }
        }
    }
}

extension ByteBuffer {
    /// Whether the readable bytes are exactly `word`.
    fileprivate func equals(_ word: StaticString) -> Bool {
        guard self.readableBytes == word.utf8CodeUnitCount else { return false }
        return self.withUnsafeReadableBytes { bytes in
            bytes.elementsEqual(UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
        }
    }
}
