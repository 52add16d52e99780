import NIOCore

/// Reads the JSON text of the message clients send most, a room broadcast, without going through `Codable`.
///
/// It takes only the plain form: one flat object whose keys are the broadcast's (`type`, `namespace`, `room`,
/// `payload`, `includesSender`, `channel`), each once, with strings that have no escapes and booleans. Anything else
/// (another message, an escape, a number, a nested object, an unknown or repeated key, a syntax error) makes it give
/// up, and ``GameJSONCodec`` decodes the text with `JSONDecoder`, which also words the errors. What it does read is
/// what `JSONDecoder` reads from the same text; the payload string is a slice of the text, not a copy.
package struct GameJSONScanner {
    /// The text's readable bytes; valid only inside ``broadcast(in:)``.
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The broadcast in `text`, or `nil` when `JSONDecoder` must read it.
    package static func broadcast(in text: ByteBuffer) -> GameMessage.Broadcast? {
        text.withUnsafeReadableBytes { bytes in
            // JSONDecoder refuses text that is not UTF-8; String(decoding:) would repair it.
            var validator = UTF8Validator()
            guard validator.validate(bytes), validator.isComplete else { return nil }
            var scanner = GameJSONScanner(bytes)
            guard let fields = scanner.scanBroadcast() else { return nil }
            func string(_ range: Range<Int>) -> String {
                String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            // The payload is a slice of the text, not a copy.
            let payload = text.getSlice(at: text.readerIndex + fields.payload.lowerBound, length: fields.payload.count)!
            return GameMessage.Broadcast(
                namespace: string(fields.namespace),
                room: string(fields.room),
                includesSender: fields.includesSender,
                channel: fields.channel,
                payload: GamePayload(payload)
            )
        }
    }

    /// Where a broadcast's fields lie in the text, strings as the ranges between their quotes.
    private struct Fields {
        var namespace: Range<Int>
        var room: Range<Int>
        var payload: Range<Int>
        var includesSender: Bool
        var channel: GameChannel
    }

    private mutating func scanBroadcast() -> Fields? {
        var type: Range<Int>?
        var namespace: Range<Int>?
        var room: Range<Int>?
        var payload: Range<Int>?
        var includesSender: Bool?
        var channel: Range<Int>?
        guard self.consume(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = self.scanString(), self.consume(UInt8(ascii: ":")) else { return nil }
            switch key.count {
            case 4 where self.equals(key, "type"):
                guard type == nil, let value = self.scanString() else { return nil }
                type = value
            case 4 where self.equals(key, "room"):
                guard room == nil, let value = self.scanString() else { return nil }
                room = value
            case 7 where self.equals(key, "payload"):
                guard payload == nil, let value = self.scanString() else { return nil }
                payload = value
            case 7 where self.equals(key, "channel"):
                guard channel == nil, let value = self.scanString() else { return nil }
                channel = value
            case 9 where self.equals(key, "namespace"):
                guard namespace == nil, let value = self.scanString() else { return nil }
                namespace = value
            case 14 where self.equals(key, "includesSender"):
                guard includesSender == nil, let value = self.scanBool() else { return nil }
                includesSender = value
            default:
                return nil
            }
        } while self.consume(UInt8(ascii: ","))
        guard self.consume(UInt8(ascii: "}")) else { return nil }
        self.skipWhitespace()
        guard self.index == self.bytes.count, let type, self.equals(type, "broadcast"), let namespace, let room,
            let payload
        else { return nil }
        let parsedChannel: GameChannel
        switch channel {
        case nil: parsedChannel = .reliable
        case let value? where self.equals(value, "reliable"): parsedChannel = .reliable
        case let value? where self.equals(value, "unreliable"): parsedChannel = .unreliable
        default: return nil
        }
        return Fields(
            namespace: namespace,
            room: room,
            payload: payload,
            includesSender: includesSender ?? false,
            channel: parsedChannel
        )
    }

    /// The range of a string's bytes between its quotes, when it has no escapes and no control characters.
    private mutating func scanString() -> Range<Int>? {
        guard self.consume(UInt8(ascii: "\"")) else { return nil }
        let start = self.index
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case UInt8(ascii: "\""):
                defer { self.index += 1 }
                return start..<self.index
            // An escape is for JSONDecoder to undo; a raw control character is invalid JSON (RFC 8259 §7).
            case UInt8(ascii: "\\"), 0x00..<0x20:
                return nil
            default:
                self.index += 1
            }
        }
        return nil
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
        guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
        self.index += 1
        return true
    }

    private mutating func consumeWord(_ word: StaticString) -> Bool {
        let range = self.index..<(self.index + word.utf8CodeUnitCount)
        guard range.upperBound <= self.bytes.count, self.equals(range, word) else { return false }
        self.index = range.upperBound
        return true
    }

    private mutating func skipWhitespace() {
        // RFC 8259 §2: space, tab, line feed, carriage return.
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): self.index += 1
            default: return
            }
        }
    }

    /// Whether the bytes in `range` are exactly `word`.
    private func equals(_ range: Range<Int>, _ word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount
            && UnsafeRawBufferPointer(rebasing: self.bytes[range]).elementsEqual(
                UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            )
    }
}
