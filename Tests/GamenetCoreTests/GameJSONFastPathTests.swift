import Foundation
import GamenetCore
import NIOCore
import Testing

/// The room message's JSON writer and the broadcast's JSON scanner give exactly what `JSONEncoder` and `JSONDecoder`
/// give, on random messages and texts with every character JSON treats specially.
@Suite struct GameJSONFastPathTests {
    /// Characters that need escapes or care: quotes, backslashes, slashes, every control character, DEL, the line and
    /// paragraph separators, multi-byte scalars.
    private static let alphabet: [Character] =
        Array("ab/ \"\\é漢🎮\u{7F}\u{2028}\u{2029}") + (0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }

    private static func tricky(_ random: inout SplitMix64, maximum: Int = 24) -> String {
        let count = Int.random(in: 0...maximum, using: &random)
        return String((0..<count).map { _ in Self.alphabet.randomElement(using: &random)! })
    }

    @Test func roomMessageTextIsTheEncodersText() throws {
        var random = SplitMix64(seed: 31)
        for round in 0..<3_000 {
            // Every fifth payload is random bytes, mostly not UTF-8: base64 in JSON, made by the encoder.
            let payload: GamePayload =
                round % 5 == 0
                ? GamePayload(bytes: random.bytes(Int.random(in: 0...40, using: &random)))
                : GamePayload(string: Self.tricky(&random, maximum: 64))
            let roomMessage = GameMessage.RoomMessage(
                namespace: Self.tricky(&random),
                room: Self.tricky(&random),
                senderID: random.next() >> UInt64.random(in: 0...63, using: &random),
                senderName: Bool.random(using: &random) ? Self.tricky(&random) : nil,
                payload: payload
            )
            let written = try GameJSONCodec.encode(.roomMessage(roomMessage))
            #expect(String(buffer: written) == (try Self.encodedByFoundation(roomMessage)))
            #expect(try GameJSONCodec.decode(written).message == .roomMessage(roomMessage))
        }
    }

    @Test func plainBroadcastTextsAreScannedAsJSONDecoderReadsThem() throws {
        var random = SplitMix64(seed: 32)
        for _ in 0..<3_000 {
            let text = Self.broadcastText(&random, plain: true)
            let scanned = try #require(GameJSONScanner.broadcast(in: ByteBuffer(string: text)), "\(text)")
            #expect(scanned == (try Self.decodedByFoundation(text)).broadcast, "\(text)")
        }
    }

    @Test func anyOtherTextIsLeftToJSONDecoder() throws {
        var random = SplitMix64(seed: 33)
        var scannedCount = 0
        for _ in 0..<5_000 {
            var text = Self.broadcastText(&random, plain: false)
            // A cut or a changed byte now and then: syntax errors, bad booleans, broken strings.
            if Int.random(in: 0..<4, using: &random) == 0, !text.isEmpty {
                var bytes = Array(text.utf8)
                let at = Int.random(in: 0..<bytes.count, using: &random)
                if Bool.random(using: &random) {
                    bytes.removeSubrange(at...)
                } else {
                    bytes[at] = Array(#"{}[]:,"\ tx0"#.utf8).randomElement(using: &random)!
                }
                text = String(decoding: bytes, as: UTF8.self)
            }
            let expected = try? Self.decodedByFoundation(text)
            if let scanned = GameJSONScanner.broadcast(in: ByteBuffer(string: text)) {
                scannedCount += 1
                #expect(expected?.sequence == nil, "\(text)")
                #expect(scanned == expected?.broadcast, "\(text)")
            }
            // Whoever reads it, the codec's answer is JSONDecoder's.
            let decoded = try? GameJSONCodec.decode(ByteBuffer(string: text))
            #expect(decoded?.message == expected.map { .broadcast($0.broadcast) }, "\(text)")
            #expect(decoded?.sequence == expected?.sequence, "\(text)")
        }
        #expect(scannedCount > 500)
    }

    @Test func invalidUTF8IsLeftToJSONDecoder() {
        var text = ByteBuffer(string: #"{"type":"broadcast","namespace":"/","room":"r","payload":""#)
        text.writeBytes([0xC3, 0x28])
        text.writeString(#""}"#)
        #expect(GameJSONScanner.broadcast(in: text) == nil)
        #expect(throws: GameProtocolError.self) { try GameJSONCodec.decode(text) }
    }

    /// A broadcast's JSON text with its keys in random order and random whitespace; `plain` keeps to what the scanner
    /// takes, otherwise escapes, numbers, nested objects, unknown, repeated and missing keys and other types turn up.
    private static func broadcastText(_ random: inout SplitMix64, plain: Bool) -> String {
        func space(_ random: inout SplitMix64) -> String {
            let count = Int.random(in: 0...2, using: &random)
            return String((0..<count).map { _ in [" ", "\t", "\n", "\r"].randomElement(using: &random)! })
        }
        func string(_ random: inout SplitMix64) -> String {
            if !plain, Int.random(in: 0..<6, using: &random) == 0 {
                return #""a\"b\\c\/d\u00e9""#
            }
            let characters = Array("abc /-_é漢🎮{}[]:,")
            let count = Int.random(in: 0...12, using: &random)
            return "\"" + String((0..<count).map { _ in characters.randomElement(using: &random)! }) + "\""
        }
        var fields: [(String, String)] = [
            ("type", plain || Int.random(in: 0..<8, using: &random) > 0 ? #""broadcast""# : #""send""#),
            ("namespace", string(&random)),
            ("room", string(&random)),
            ("payload", !plain && Int.random(in: 0..<8, using: &random) == 0 ? #"{"base64":"AAE="}"# : string(&random)),
        ]
        if Bool.random(using: &random) {
            fields.append(("includesSender", Bool.random(using: &random) ? "true" : "false"))
        }
        if Bool.random(using: &random) {
            fields.append(("channel", Bool.random(using: &random) ? #""reliable""# : #""unreliable""#))
        }
        if !plain {
            switch Int.random(in: 0..<10, using: &random) {
            case 0: fields.append(("extra", "1"))
            case 1: fields.append(("seq", "7"))
            case 2: fields.append(fields[Int.random(in: 0..<fields.count, using: &random)])
            case 3: fields.remove(at: Int.random(in: 0..<fields.count, using: &random))
            case 4: fields.append(("channel", #""sideways""#))
            case 5: fields.append(("includesSender", "1"))
            default: break
            }
        }
        fields.shuffle(using: &random)
        let members = fields.map { key, value in
            "\(space(&random))\"\(key)\"\(space(&random)):\(space(&random))\(value)\(space(&random))"
        }
        return space(&random) + "{" + members.joined(separator: ",") + "}" + space(&random)
    }

    /// What JSONEncoder makes of a room message with the codec's settings: sorted keys, slashes unescaped.
    private static func encodedByFoundation(_ message: GameMessage.RoomMessage) throws -> String {
        struct Envelope: Encodable {
            enum CodingKeys: String, CodingKey { case type }
            var message: GameMessage.RoomMessage

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode("roomMessage", forKey: .type)
                try self.message.encode(to: encoder)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Envelope(message: message)), as: UTF8.self)
    }

    /// What Foundation reads from `text`: its sequence number and broadcast, when `"type"` says broadcast.
    private static func decodedByFoundation(_ text: String) throws -> (sequence: UInt64?, broadcast: GameMessage.Broadcast) {
        struct Envelope: Decodable {
            var type: String
            var seq: UInt64?
        }
        let data = Data(text.utf8)
        let envelope = try JSONDecoder().decode(Envelope.self, from: data)
        guard envelope.type == "broadcast" else { throw CocoaError(.coderInvalidValue) }
        return (envelope.seq, try JSONDecoder().decode(GameMessage.Broadcast.self, from: data))
    }
}
