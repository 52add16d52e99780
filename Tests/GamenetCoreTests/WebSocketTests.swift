import GamenetCore
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

/// The WebSocket building blocks: ``UTF8Validator``, word-at-a-time masking and ``WebSocketFrameWriter``.
@Suite struct WebSocketTests {
    // MARK: - UTF8Validator

    /// Whether the validator accepts `bytes` as a whole message, fed in the pieces `splits` cuts.
    private static func validates(_ bytes: [UInt8], splits: [Int] = []) -> Bool {
        var validator = UTF8Validator()
        var start = 0
        for end in splits.sorted() + [bytes.count] where end >= start {
            let ok = bytes[start..<end].withUnsafeBytes { validator.validate($0) }
            guard ok else { return false }
            start = end
        }
        return validator.isComplete
    }

    private static func swiftAccepts(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    static let validSequences: [[UInt8]] = [
        [],
        Array("hello, world".utf8),
        Array("κόσμε".utf8),
        Array("日本語のテキスト🙂".utf8),
        [0x00], [0x7F],
        [0xC2, 0x80], [0xDF, 0xBF],  // two bytes, both ends
        [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],  // three, around surrogates
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],  // four: U+10000 and U+10FFFF
    ]

    static let invalidSequences: [[UInt8]] = [
        [0xC0, 0x80], [0xC1, 0xBF],  // overlong two-byte forms
        [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],  // overlong three-byte forms
        [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],  // overlong four-byte forms
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],  // UTF-16 surrogates
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF7, 0xBF, 0xBF, 0xBF],  // past U+10FFFF
        [0x80], [0xBF], [0xFE], [0xFF],  // a lone continuation, bytes never in UTF-8
        [0xC2], [0xE0, 0xA0], [0xF0, 0x90, 0x80],  // truncated
        [0xC2, 0x41], [0xE1, 0x80, 0x41], [0xCE, 0xBA, 0xE1, 0xBD, 0xED, 0xA0, 0x80],
        Array("abcdefghijklmnop".utf8) + [0xC0],  // after the eight-at-a-time ASCII path
    ]

    @Test(arguments: Self.validSequences)
    func acceptsWellFormedUTF8(bytes: [UInt8]) {
        #expect(Self.swiftAccepts(bytes))
        #expect(Self.validates(bytes))
        // In any two pieces too.
        for split in 0...bytes.count {
            #expect(Self.validates(bytes, splits: [split]), "split at \(split)")
        }
    }

    @Test(arguments: Self.invalidSequences)
    func rejectsIllFormedUTF8(bytes: [UInt8]) {
        #expect(!Self.swiftAccepts(bytes))
        #expect(!Self.validates(bytes))
        for split in 0...bytes.count {
            #expect(!Self.validates(bytes, splits: [split]), "split at \(split)")
        }
    }

    @Test func aTruncatedSequenceIsIncompleteNotInvalid() {
        var validator = UTF8Validator()
        #expect(([0xCE, 0xBA, 0xE1, 0xBD] as [UInt8]).withUnsafeBytes { validator.validate($0) })
        #expect(!validator.isComplete)
        #expect(([0x85] as [UInt8]).withUnsafeBytes { validator.validate($0) })
        #expect(validator.isComplete)
    }

    @Test func rejectsABadByteAnywhereInALongASCIIRun() {
        for position in 0..<40 {
            var bytes = Array(repeating: UInt8(ascii: "a"), count: 40)
            bytes[position] = 0x80
            #expect(!Self.validates(bytes), "bad byte at \(position)")
            bytes[position] = 0xC3
            if position < 39 {
                bytes[position + 1] = 0xA9
                #expect(Self.validates(bytes), "é at \(position)")
            }
        }
    }

    /// Random byte strings, built from random scalars and then sometimes damaged, agree with Swift's own decoder,
    /// whole and in random pieces.
    @Test func agreesWithSwiftOnRandomBytes() {
        var random = SplitMix64(seed: 0x6a6e_7574_6638)
        var valid = 0
        for _ in 0..<5000 {
            var bytes: [UInt8] = []
            let scalars = Int.random(in: 0...12, using: &random)
            for _ in 0..<scalars {
                let scalar: UInt32
                switch Int.random(in: 0..<4, using: &random) {
                case 0: scalar = UInt32.random(in: 0...0x7F, using: &random)
                case 1: scalar = UInt32.random(in: 0x80...0x7FF, using: &random)
                case 2: scalar = UInt32.random(in: 0x800...0xFFFF, using: &random)
                default: scalar = UInt32.random(in: 0x10000...0x10FFFF, using: &random)
                }
                if let value = Unicode.Scalar(scalar) {
                    bytes.append(contentsOf: Array(String(Character(value)).utf8))
                }
            }
            // Damage about half: flip, insert or drop a byte.
            if !bytes.isEmpty, Bool.random(using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.insert(UInt8.random(in: 0x80...0xFF, using: &random), at: index)
                default: bytes.remove(at: index)
                }
            }
            let expected = Self.swiftAccepts(bytes)
            valid += expected ? 1 : 0
            #expect(Self.validates(bytes) == expected, "\(bytes.map { String($0, radix: 16) })")
            let splits = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                Int.random(in: 0...bytes.count, using: &random)
            }
            #expect(
                Self.validates(bytes, splits: splits) == expected,
                "\(bytes.map { String($0, radix: 16) }) at \(splits)"
            )
        }
        // Both kinds were exercised.
        #expect(valid > 1000 && valid < 4500)
    }

    @Test func agreesWithSwiftOnShortUniformlyRandomBytes() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let bytes = random.bytes(Int.random(in: 0...6, using: &random))
            #expect(Self.validates(bytes) == Self.swiftAccepts(bytes), "\(bytes.map { String($0, radix: 16) })")
        }
    }

    // MARK: - Masking

    @Test func wordAtATimeMaskingMatchesNIO() throws {
        var random = SplitMix64(seed: 0x6d61_736b)
        for length in 0...140 {
            for offset in 0...3 {
                for _ in 0..<4 {
                    let key = try #require(WebSocketMaskingKey(random.bytes(4)))
                    let payload = random.bytes(length)
                    var ours = ByteBuffer(bytes: payload)
                    var nios = ByteBuffer(bytes: payload)
                    ours.gamenetWebSocketMask(key, indexOffset: offset)
                    nios.webSocketMask(key, indexOffset: offset)
                    #expect(ours == nios, "length \(length), offset \(offset), key \(key)")
                    // Masking is its own inverse.
                    ours.gamenetWebSocketMask(key, indexOffset: offset)
                    #expect(Array(ours.readableBytesView) == payload)
                }
            }
        }
    }

    @Test func maskingCoversOnlyTheReadableBytes() throws {
        let key = try #require(WebSocketMaskingKey([1, 2, 3, 4]))
        var buffer = ByteBuffer(bytes: Array(repeating: 0, count: 20))
        buffer.moveReaderIndex(forwardBy: 3)
        buffer.gamenetWebSocketMask(key)
        #expect(Array(buffer.readableBytesView) == Array([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1]))
        buffer.moveReaderIndex(to: 0)
        #expect(buffer.getBytes(at: 0, length: 3) == [0, 0, 0])
    }

    @Test func maskingIntoANewBufferMatchesNIO() throws {
        var random = SplitMix64(seed: 0x636f_7079)
        for length in [0, 1, 7, 8, 9, 125, 126, 4_097, 65_536] {
            let key = try #require(WebSocketMaskingKey(random.bytes(4)))
            var source = ByteBuffer(bytes: random.bytes(length + 3))
            source.moveReaderIndex(forwardBy: 3)
            var nios = source
            nios.webSocketMask(key)
            var ours = ByteBuffer(string: "head")
            ours.writeWebSocketMasked(source, key: key)
            #expect(ours.readString(length: 4) == "head")
            #expect(ours == nios, "length \(length)")
        }
    }

    @Test func maskingIntoANewBufferFromAnyKeyIndexMatchesNIO() throws {
        var random = SplitMix64(seed: 0x6f66_6673_6574)
        for length in 0...140 {
            for offset in 0...7 {
                let key = try #require(WebSocketMaskingKey(random.bytes(4)))
                let payload = ByteBuffer(bytes: random.bytes(length))
                var nios = payload
                nios.webSocketMask(key, indexOffset: offset)
                var ours = ByteBuffer()
                ours.writeWebSocketMasked(payload, key: key, indexOffset: offset)
                #expect(ours == nios, "length \(length), offset \(offset)")
            }
        }
    }

    @Test func maskingALargePayloadInPiecesMatchesMaskingItWhole() throws {
        var random = SplitMix64(seed: 7)
        let key = try #require(WebSocketMaskingKey(random.bytes(4)))
        let payload = random.bytes(100_003)
        var whole = ByteBuffer(bytes: payload)
        whole.webSocketMask(key)
        var pieces = ByteBuffer()
        var offset = 0
        while offset < payload.count {
            let length = min(Int.random(in: 1...9_000, using: &random), payload.count - offset)
            var piece = ByteBuffer(bytes: payload[offset..<(offset + length)])
            piece.gamenetWebSocketMask(key, indexOffset: offset)
            pieces.writeBuffer(&piece)
            offset += length
        }
        #expect(pieces == whole)
    }

    // MARK: - WebSocketFrameWriter

    /// Writes `frame` through a ``WebSocketFrameWriter`` and returns the bytes it put on the wire.
    private static func wireBytes(of frame: WebSocketFrame) throws -> ByteBuffer {
        let channel = EmbeddedChannel(handler: WebSocketFrameWriter())
        try channel.writeOutbound(frame)
        var wire = ByteBuffer()
        while var piece = try channel.readOutbound(as: ByteBuffer.self) {
            wire.writeBuffer(&piece)
        }
        #expect(try channel.finish().isClean)
        return wire
    }

    /// Parses wire bytes with NIO's own decoder.
    private static func decode(_ wire: ByteBuffer) throws -> [WebSocketFrame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        try channel.writeInbound(wire)
        var frames: [WebSocketFrame] = []
        while let frame = try channel.readInbound(as: WebSocketFrame.self) {
            frames.append(frame)
        }
        _ = try channel.finish()
        return frames
    }

    @Test(arguments: [0, 1, 125, 126, 4096, 4097, 65535, 65536], [false, true])
    func writtenFramesParseBackToTheSameFrame(length: Int, masked: Bool) throws {
        var random = SplitMix64(seed: UInt64(length))
        let payload = random.bytes(length)
        let key = masked ? WebSocketMaskingKey(random.bytes(4)) : nil
        let data = ByteBuffer(bytes: payload)
        let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: key, data: data)
        let wire = try Self.wireBytes(of: frame)

        let headerLength = 2 + (length <= 125 ? 0 : length <= 65535 ? 2 : 8) + (masked ? 4 : 0)
        #expect(wire.readableBytes == headerLength + length)
        let frames = try Self.decode(wire)
        try #require(frames.count == 1)
        let decoded = frames[0]
        #expect(decoded.fin && decoded.opcode == .binary)
        #expect(!decoded.rsv1 && !decoded.rsv2 && !decoded.rsv3)
        #expect(decoded.maskKey == key)
        #expect(decoded.unmaskedData == data)
        if masked, length > 0 {
            // On the wire the payload is masked.
            #expect(decoded.data != data)
        }
        // The caller's buffer is not masked in place.
        #expect(frame.data == ByteBuffer(bytes: payload))
    }

    @Test func headerBitsAndOpcodesSurviveTheRoundTrip() throws {
        let frames = [
            WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(string: "frag")),
            WebSocketFrame(
                fin: true,
                rsv1: true,
                rsv2: false,
                rsv3: true,
                opcode: .continuation,
                data: ByteBuffer(string: "ment")
            ),
            WebSocketFrame(fin: true, opcode: .ping, maskKey: WSFrames.key, data: ByteBuffer(string: "p")),
            WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()),
            WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])),
        ]
        var wire = ByteBuffer()
        for frame in frames {
            var bytes = try Self.wireBytes(of: frame)
            wire.writeBuffer(&bytes)
        }
        let decoded = try Self.decode(wire)
        try #require(decoded.count == frames.count)
        for (sent, received) in zip(frames, decoded) {
            #expect(received.fin == sent.fin && received.opcode == sent.opcode)
            #expect(received.rsv1 == sent.rsv1 && received.rsv2 == sent.rsv2 && received.rsv3 == sent.rsv3)
            #expect(received.maskKey == sent.maskKey)
            #expect(received.unmaskedData == sent.data)
        }
    }

    @Test func aSmallFrameLeavesAsOneBufferAndALargeOneAsTwo() throws {
        let small = EmbeddedChannel(handler: WebSocketFrameWriter())
        try small.writeOutbound(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(repeating: 1, count: 4096)))
        // Two bytes of header and two of extended length (§5.2: 126...65535), then the payload.
        #expect(try small.readOutbound(as: ByteBuffer.self)?.readableBytes == 4100)
        #expect(try small.readOutbound(as: ByteBuffer.self) == nil)

        let large = EmbeddedChannel(handler: WebSocketFrameWriter())
        try large.writeOutbound(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(repeating: 1, count: 4097)))
        #expect(try large.readOutbound(as: ByteBuffer.self)?.readableBytes == 4)
        #expect(try large.readOutbound(as: ByteBuffer.self)?.readableBytes == 4097)
        #expect(try small.finish().isClean && large.finish().isClean)
    }
}
