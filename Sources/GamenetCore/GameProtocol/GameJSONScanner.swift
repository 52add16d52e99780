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
            let scanned: Bool
            switch key {
            case _ where self.equals(key, "type"): scanned = self.scanString(into: &type)
            case _ where self.equals(key, "room"): scanned = self.scanString(into: &room)
            case _ where self.equals(key, "payload"): scanned = self.scanString(into: &payload)
            case _ where self.equals(key, "channel"): scanned = self.scanString(into: &channel)
            case _ where self.equals(key, "namespace"): scanned = self.scanString(into: &namespace)
            case _ where self.equals(key, "includesSender"): scanned = self.scanBool(into: &includesSender)
            default: scanned = false
            }
            guard scanned else { return nil }
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

    /// Scans a string value into `field`; false when the field was already set or the value is not a plain string.
    private mutating func scanString(into field: inout Range<Int>?) -> Bool {
        guard field == nil, let value = self.scanString() else { return false }
        field = value
        return true
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

    /// Scans `true` or `false` into `field`; false when the field was already set or the value is not a boolean.
    private mutating func scanBool(into field: inout Bool?) -> Bool {
        guard field == nil else { return false }
        self.skipWhitespace()
        if self.consumeWord("true") {
            field = true
        } else if self.consumeWord("false") {
            field = false
        }
        return field != nil
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
