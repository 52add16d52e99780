import GamenetCore
import NIOCore
import NIOEmbedded
import Testing

/// Every malformed input is refused with the error that names its fault; nothing traps and nothing is buffered
/// beyond the limit.
@Suite struct GameCodecMalformedInputTests {
    private static func decodeError(_ bytes: ByteBuffer) -> GameProtocolError? {
        do {
            _ = try GameFrame(decoding: bytes)
            return nil
        } catch {
            return error
        }
    }

    private static func decodeError(hex: String) -> GameProtocolError? {
        Self.decodeError(gameHex(hex))
    }

    private static func jsonError(_ text: String) -> GameProtocolError? {
        do {
            _ = try GameJSONCodec.decode(ByteBuffer(string: text))
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: 0..<exampleMessages.count)
    func truncatedAtEveryByteOffset(_ index: Int) throws {
        let frames: [GameFrame] = [
            .message(exampleMessages[index]),
            .sequenced(9, exampleMessages[index]),
            .datagram(.init(sessionID: 7, key: exampleKey), exampleMessages[index]),
        ]
        for frame in frames {
            let whole = try GameCodec.encode(frame)
            for length in 0..<whole.readableBytes {
                let error = Self.decodeError(whole.getSlice(at: whole.readerIndex, length: length)!)
                guard case .truncated = error else {
                    Issue.record("\(frame) cut to \(length) bytes: \(String(describing: error))")
                    continue
                }
            }
        }
    }

    @Test func truncatedNamesTheField() {
        // A join whose room name claims 5 bytes and has 2.
        #expect(
            Self.decodeError(hex: "20 0001 2f 0005 6c6f") == .truncated(field: "join.room", needed: 5, available: 2)
        )
        #expect(Self.decodeError(ByteBuffer()) == .truncated(field: "type", needed: 1, available: 0))
    }

    @Test(arguments: [0x00, 0x06, 0x13, 0x52, 0x7d, 0x80, 0xff] as [UInt8])
    func unknownType(_ type: UInt8) {
        #expect(Self.decodeError(ByteBuffer(bytes: [type])) == .unknownMessageType(type))
    }

    @Test func framesDoNotNest() {
        #expect(Self.decodeError(hex: "7e 0000000000000001 7e") == .unknownMessageType(0x7e))
        #expect(Self.decodeError(hex: "7e 0000000000000001 7f") == .unknownMessageType(0x7f))
        #expect(
            Self.decodeError(hex: "7f 0000000000000007 000102030405060708090a0b0c0d0e0f 7e")
                == .unknownMessageType(0x7e)
        )
    }

    @Test func oversizeLengthPrefixFailsBeforeBuffering() throws {
        // 100 MB announced; only the four prefix bytes have arrived.
        var buffer = gameHex("05f5e100")
        #expect(throws: GameProtocolError.messageTooLarge(length: 100_000_000, limit: 65_536)) {
            try GameCodec.nextStreamMessage(from: &buffer, maximumMessageSize: 65_536)
        }
        #expect(buffer.readableBytes == 4)
        var short = gameHex("00 00 00")
        #expect(try GameCodec.nextStreamMessage(from: &short, maximumMessageSize: 65_536) == nil)
    }

    @Test func streamFrameDecoderRefusesAHugePrefixAtOnce() throws {
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(GameStreamFrameDecoder(maximumMessageSize: 65_536))
        )
        #expect(throws: GameProtocolError.messageTooLarge(length: 100_000_000, limit: 65_536)) {
            try channel.writeInbound(gameHex("05f5e100"))
        }
        _ = try? channel.finish()
    }

    @Test func oversizeDatagram() {
        let bytes = ByteBuffer(repeating: 0x40, count: 2_000)
        #expect(throws: GameProtocolError.messageTooLarge(length: 2_000, limit: 1_024)) {
            try GameCodec.decode(bytes, maximumMessageSize: 1_024)
        }
    }

    @Test(arguments: ["ff", "c0af", "eda080", "f8888080", "e282", "80"])
    func badUTF8(_ bytes: String) {
        let length = String(bytes.count / 2, radix: 16)
        let room = "000\(length)" + bytes
        #expect(Self.decodeError(hex: "20 0001 2f " + room + " 0000 0000") == .invalidUTF8(field: "join.room"))
    }

    @Test func trailingBytes() {
        #expect(Self.decodeError(hex: "40 00000000000f4240 00") == .trailingBytes(count: 1))
        #expect(Self.decodeError(hex: "10 0102") == .trailingBytes(count: 2))
        #expect(Self.decodeError(hex: "7e 0000000000000001 12 ff") == .trailingBytes(count: 1))
    }

    @Test func fieldTooLong() throws {
        let room = String(repeating: "r", count: 256)
        #expect(
            Self.decodeError(hex: "22 0001 2f 0100 " + String(repeating: "72", count: 256))
                == .fieldTooLong(field: "leave.room", length: 256, limit: 255)
        )
        #expect(throws: GameProtocolError.fieldTooLong(field: "leave.room", length: 256, limit: 255)) {
            try GameCodec.encode(.message(.leave(.init(namespace: "/", room: room))))
        }
        // An error text may be 1,024 bytes.
        #expect(
            Self.decodeError(hex: "50 0001 0401 " + String(repeating: "61", count: 1_025))
                == .fieldTooLong(field: "error.message", length: 1_025, limit: 1_024)
        )
    }

    @Test func invalidValues() {
        // Wrong magic.
        #expect(
            Self.decodeError(hex: "01 474e4555 01 0001 00")
                == .invalidValue(field: "clientHello.magic", value: 0x474e_4555)
        )
        // No version offered.
        #expect(Self.decodeError(hex: "01 474e4554 00 00") == .invalidValue(field: "clientHello.versions", value: 0))
        // A resume flag other than 0 or 1.
        #expect(Self.decodeError(hex: "01 474e4554 01 0001 02") == .invalidValue(field: "clientHello.resume", value: 2))
        // An undefined flag bit in a broadcast, and bit 0 (include the sender) in a direct send.
        #expect(
            Self.decodeError(hex: "30 0001 2f 0001 72 04 00000000") == .invalidValue(field: "broadcast.flags", value: 4)
        )
        #expect(
            Self.decodeError(hex: "32 0000000000000009 01 00000000") == .invalidValue(field: "send.flags", value: 1)
        )
    }

    @Test func unknownCodesStillDecode() throws {
        // A reason code from a later version is kept, not refused.
        let frame = try GameFrame(decoding: gameHex("05 c8 0000"))
        #expect(frame == .message(.goodbye(.init(reason: .init(rawValue: 200), message: ""))))
    }

    @Test func malformedJSON() {
        #expect(Self.jsonError(#"{"type":"teleport"}"#) == .invalidJSON(#"type: unknown message type "teleport""#))
        guard case .invalidJSON = Self.jsonError(#"{"type":"join","room":"lobby"}"#) else {
            Issue.record("a missing field is accepted")
            return
        }
        for text in [
            "not json", #"{"type":"ping","timestamp":1} x"#, #"{"timestamp":1}"#,
            #"{"type":"send","recipientID":9,"payload":{"base64":"@@"}}"#,
            #"{"type":"clientHello","versions":[1],"resume":{"sessionID":7,"key":"00","lastReceivedSequence":0}}"#,
            #"{"type":"ping","timestamp":-1}"#,
        ] {
            guard case .invalidJSON = Self.jsonError(text) else {
                Issue.record("accepted: \(text)")
                continue
            }
        }
        #expect(throws: GameProtocolError.messageTooLarge(length: 29, limit: 10)) {
            try GameJSONCodec.decode(ByteBuffer(string: #"{"type":"ping","timestamp":1}"#), maximumMessageSize: 10)
        }
    }
}
