import GamenetCore
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

extension WebSocketTests {
    /// ``WebSocketFrameParser`` and ``WebSocketFrameReader``: RFC 6455 §5.2 headers, payloads unmasked as they arrive
    /// in any number of reads, and the framing rules.
    @Suite struct FrameReader {
        private static let allocator = ByteBufferAllocator()

        /// How a test writes a payload length on the wire (§5.2).
        enum LengthForm {
            /// The shortest form, as the RFC requires.
            case minimal
            /// The 16-bit form whatever the length.
            case sixteenBit
            /// The 64-bit form whatever the length.
            case sixtyFourBit
        }

        /// The wire bytes of one frame, built here byte by byte so that tests can also write what a sender must not.
        static func wire(
            opcode: UInt8 = 0x2,
            payload: [UInt8],
            fin: Bool = true,
            key: WebSocketMaskingKey? = WSFrames.key,
            rsv: UInt8 = 0,
            lengthForm: LengthForm = .minimal,
            announcedLength: UInt64? = nil
        ) -> [UInt8] {
            var bytes: [UInt8] = [(fin ? 0x80 : 0) | rsv << 4 | opcode]
            let length = announcedLength ?? UInt64(payload.count)
            let maskBit: UInt8 = key == nil ? 0 : 0x80
            switch lengthForm {
            case .minimal where length <= 125:
                bytes.append(maskBit | UInt8(length))
            case .minimal where length <= 0xFFFF, .sixteenBit:
                bytes.append(maskBit | 126)
                bytes += [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
            case .minimal, .sixtyFourBit:
                bytes.append(maskBit | 127)
                bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
            }
            guard let key else { return bytes + payload }
            bytes += Array(key)
            return bytes + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        }

        /// Feeds `bytes` to a parser cut at `cuts`, and returns the frames it gives.
        static func parse(
            _ bytes: [UInt8],
            cuts: [Int] = [],
            maximumFrameSize: Int = 1 << 24
        ) throws(WebSocketFramingError) -> [WebSocketInboundFrame] {
            var parser = WebSocketFrameParser(maximumFrameSize: maximumFrameSize)
            var frames: [WebSocketInboundFrame] = []
            var start = 0
            for end in cuts + [bytes.count] {
                var buffer = ByteBuffer(bytes: bytes[start..<end])
                while let frame = try parser.nextFrame(from: &buffer, allocator: Self.allocator) {
                    frames.append(frame)
                }
                #expect(buffer.readableBytes == 0)
                start = end
            }
            return frames
        }

        // MARK: - Headers

        @Test(arguments: [0, 1, 125, 126, 127, 65_535, 65_536, 100_000], [false, true])
        func everyLengthFormDecodes(length: Int, masked: Bool) throws {
            var random = SplitMix64(seed: UInt64(length))
            let payload = random.bytes(length)
            let bytes = Self.wire(payload: payload, key: masked ? WSFrames.key : nil)
            // §5.2: 7-bit lengths up to 125, a 16-bit one up to 65535, a 64-bit one above.
            let lengthBytes = length <= 125 ? 0 : length <= 65_535 ? 2 : 8
            #expect(bytes.count == 2 + lengthBytes + (masked ? 4 : 0) + length)
            let frames = try Self.parse(bytes)
            try #require(frames.count == 1)
            #expect(frames[0].fin && frames[0].opcode == .binary && frames[0].isMasked == masked)
            #expect(!frames[0].rsv1 && !frames[0].rsv2 && !frames[0].rsv3)
            #expect(frames[0].payload == ByteBuffer(bytes: payload))
        }

        @Test func headerBitsAndOpcodesAreReported() throws {
            let bytes =
                Self.wire(opcode: 0x1, payload: Array("frag".utf8), fin: false, rsv: 0b101)
                + Self.wire(opcode: 0x0, payload: Array("ment".utf8), key: nil, rsv: 0b010)
                + Self.wire(opcode: 0x3, payload: [1])  // a reserved opcode: the connection refuses it, not the parser
                + Self.wire(opcode: 0x9, payload: [])
            let frames = try Self.parse(bytes)
            try #require(frames.count == 4)
            #expect(!frames[0].fin && frames[0].opcode == .text && frames[0].isMasked)
            #expect(frames[0].rsv1 && !frames[0].rsv2 && frames[0].rsv3)
            #expect(frames[0].payload == ByteBuffer(string: "frag"))
            #expect(frames[1].fin && frames[1].opcode == .continuation && !frames[1].isMasked)
            #expect(!frames[1].rsv1 && frames[1].rsv2 && !frames[1].rsv3)
            #expect(frames[1].payload == ByteBuffer(string: "ment"))
            #expect(frames[2].opcode == WebSocketOpcode(encodedWebSocketOpcode: 0x3))
            #expect(frames[3].opcode == .ping && frames[3].payload.readableBytes == 0)
        }

        // MARK: - Payloads in pieces

        @Test(arguments: [20, 300, 70_000])
        func aFrameSplitAnywhereInTwoDecodesTheSame(length: Int) throws {
            var random = SplitMix64(seed: 0x7370_6c69 &+ UInt64(length))
            let payload = ByteBuffer(bytes: random.bytes(length))
            let bytes = Self.wire(payload: Array(payload.readableBytesView))
            // Every cut for the short frames; for the long one every cut in and near the header, then a sample.
            let cuts =
                length < 1000
                ? Array(0...bytes.count)
                : Array(0...40) + (0..<200).map { _ in Int.random(in: 0...bytes.count, using: &random) }
            for cut in cuts {
                let frames = try Self.parse(bytes, cuts: [cut])
                #expect(frames.count == 1 && frames[0].payload == payload, "cut at \(cut)")
            }
        }

        @Test(arguments: [0, 7, 300, 70_000], [false, true])
        func aFrameInOneByteReadsDecodesTheSame(length: Int, masked: Bool) throws {
            var random = SplitMix64(seed: 0x6f6e_6573 &+ UInt64(length))
            let payload = random.bytes(length)
            let bytes = Self.wire(payload: payload, key: masked ? WSFrames.key : nil)
            let frames = try Self.parse(bytes, cuts: Array(1..<bytes.count))
            #expect(frames.count == 1 && frames.first?.payload == ByteBuffer(bytes: payload))
        }

        /// A payload longer than what a header alone may allocate grows into its buffer as it arrives.
        @Test(arguments: [false, true])
        func aPayloadLongerThanTheUpfrontBufferDecodes(masked: Bool) throws {
            var random = SplitMix64(seed: 0x6269_67)
            let length = WebSocketFrameParser.payloadCapacityFromHeader * 2 + 12_345
            let payload = random.bytes(length)
            let bytes = Self.wire(payload: payload, key: masked ? WSFrames.key : nil)
            let cuts = stride(from: 1_000, to: bytes.count, by: 65_536).map { $0 }
            let frames = try Self.parse(bytes, cuts: cuts)
            #expect(frames.count == 1 && frames.first?.payload == ByteBuffer(bytes: payload))
        }

        /// Pieces of every alignment: §5.3's key index carries on from where the previous piece stopped.
        @Test func theMaskCarriesOnAcrossPieces() throws {
            var random = SplitMix64(seed: 0x6f66_6673)
            for _ in 0..<200 {
                let key = try #require(WebSocketMaskingKey(random.bytes(4)))
                let payload = random.bytes(Int.random(in: 0...600, using: &random))
                let bytes = Self.wire(payload: payload, key: key)
                var cuts: [Int] = []
                var position = 0
                while true {
                    position += Int.random(in: 1...19, using: &random)
                    guard position < bytes.count else { break }
                    cuts.append(position)
                }
                let frames = try Self.parse(bytes, cuts: cuts)
                #expect(frames.count == 1 && frames.first?.payload == ByteBuffer(bytes: payload), "cuts \(cuts)")
            }
        }

        @Test func manyFramesInOneReadAndAFrameAcrossReads() throws {
            let first = Self.wire(payload: [1, 2, 3])
            let second = Self.wire(opcode: 0x1, payload: Array("two".utf8), key: nil)
            let third = Self.wire(payload: Array(repeating: 9, count: 200))
            let bytes = first + second + third
            let frames = try Self.parse(bytes, cuts: [first.count + second.count + 3])
            try #require(frames.count == 3)
            #expect(frames[0].payload == ByteBuffer(bytes: [1, 2, 3]))
            #expect(frames[1].payload == ByteBuffer(string: "two") && frames[1].opcode == .text)
            #expect(frames[2].payload == ByteBuffer(repeating: 9, count: 200))
        }

        /// An unmasked payload that arrives whole is a slice of the read buffer; a masked one is unmasked into a
        /// buffer of exactly its length.
        @Test func payloadBuffersAreSharedOrExact() throws {
            var parser = WebSocketFrameParser(maximumFrameSize: 1 << 20)
            var read = ByteBuffer(bytes: Self.wire(payload: Array(repeating: 5, count: 1000), key: nil))
            let readStart = read.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
            let shared = try #require(try parser.nextFrame(from: &read, allocator: Self.allocator))
            #expect(shared.payload.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == readStart + 4)

            var masked = ByteBuffer(bytes: Self.wire(payload: Array(repeating: 5, count: 1000)))
            let frame = try #require(try parser.nextFrame(from: &masked, allocator: Self.allocator))
            // NIO's allocator rounds a capacity up to a power of two.
            #expect(frame.payload.capacity == 1024 && frame.payload.readerIndex == 0)
            #expect(frame.payload == ByteBuffer(repeating: 5, count: 1000))
        }

        /// Random streams of frames, cut at random, against NIO's own decoder.
        @Test func agreesWithNIOsDecoder() throws {
            var random = SplitMix64(seed: 0x6e69_6f21)
            for _ in 0..<30 {
                var bytes: [UInt8] = []
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let length = [
                        Int.random(in: 0...125, using: &random), Int.random(in: 126...70_000, using: &random),
                    ][Int.random(in: 0...1, using: &random)]
                    let key = Bool.random(using: &random) ? WebSocketMaskingKey(random.bytes(4)) : nil
                    bytes += Self.wire(payload: random.bytes(length), key: key)
                }
                let cuts = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                    Int.random(in: 0...bytes.count, using: &random)
                }.sorted()
                let ours = try Self.parse(bytes, cuts: cuts)

                let channel = EmbeddedChannel(
                    handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20))
                )
                try channel.writeInbound(ByteBuffer(bytes: bytes))
                var nios: [WebSocketFrame] = []
                while let frame = try channel.readInbound(as: WebSocketFrame.self) {
                    nios.append(frame)
                }
                _ = try channel.finish()
                try #require(ours.count == nios.count)
                for (mine, theirs) in zip(ours, nios) {
                    #expect(mine.payload == theirs.unmaskedData && mine.isMasked == (theirs.maskKey != nil))
                    #expect(mine.opcode == theirs.opcode && mine.fin == theirs.fin)
                }
            }
        }

        // MARK: - Framing rules

        @Test func aLengthWithItsTopBitSetIsRefused() {
            let bytes = Self.wire(payload: [], lengthForm: .sixtyFourBit, announcedLength: 1 << 63 | 5)
            #expect(throws: WebSocketFramingError.lengthTopBitSet) { try Self.parse(bytes) }
        }

        /// Refused from the header alone: no payload byte has arrived, and a buffer of 2^62 bytes could not be made.
        @Test(arguments: [UInt64(1 << 20) + 1, 1 << 32, 1 << 62])
        func aLengthOverTheMaximumIsRefusedFromTheHeader(length: UInt64) {
            let bytes = Self.wire(payload: [], announcedLength: length)
            #expect(throws: WebSocketFramingError.frameTooLarge(length: length, maximum: 1 << 20)) {
                try Self.parse(bytes, maximumFrameSize: 1 << 20)
            }
        }

        @Test func theMaximumItselfIsAccepted() throws {
            let frames = try Self.parse(Self.wire(payload: Array(repeating: 1, count: 1000)), maximumFrameSize: 1000)
            #expect(frames.first?.payload.readableBytes == 1000)
        }

        /// §5.2: "the minimal number of bytes MUST be used to encode the length". Autobahn's own implementation fails
        /// the connection on a longer form too; no conforming sender writes one.
        @Test(arguments: [
            (LengthForm.sixteenBit, 0), (.sixteenBit, 125), (.sixtyFourBit, 0), (.sixtyFourBit, 125),
            (.sixtyFourBit, 65_535),
        ])
        func aLengthInALongerFormThanNeededIsRefused(form: LengthForm, length: Int) {
            let bytes = Self.wire(payload: Array(repeating: 0, count: length), lengthForm: form)
            #expect(throws: WebSocketFramingError.nonMinimalLength(UInt64(length))) { try Self.parse(bytes) }
        }

        @Test func theShortestFormsAtTheirLowerBoundsAreAccepted() throws {
            let sixteen = Self.wire(payload: Array(repeating: 0, count: 126), lengthForm: .sixteenBit)
            let sixtyFour = Self.wire(payload: Array(repeating: 0, count: 65_536), lengthForm: .sixtyFourBit)
            #expect(try Self.parse(sixteen + sixtyFour).map(\.payload.readableBytes) == [126, 65_536])
        }

        @Test(arguments: [UInt8(0x8), 0x9, 0xA, 0xB])
        func aControlFrameOver125BytesIsRefused(opcode: UInt8) throws {
            #expect(try Self.parse(Self.wire(opcode: opcode, payload: Array(repeating: 0, count: 125))).count == 1)
            let bytes = Self.wire(opcode: opcode, payload: Array(repeating: 0, count: 126))
            #expect(throws: WebSocketFramingError.controlFrameTooLong(126)) { try Self.parse(bytes) }
        }

        @Test(arguments: [UInt8(0x8), 0x9, 0xA, 0xF])
        func aFragmentedControlFrameIsRefused(opcode: UInt8) {
            let bytes = Self.wire(opcode: opcode, payload: [1], fin: false)
            #expect(throws: WebSocketFramingError.fragmentedControlFrame) { try Self.parse(bytes) }
        }

        // MARK: - On a channel

        /// The pipeline `addWebSocketHandlers` builds, on an `EmbeddedChannel`.
        private static func makeChannel(
            role: WebSocketConnection.Role,
            maximumMessageSize: Int = 1 << 20
        ) throws -> EmbeddedChannel {
            var configuration = WebSocketConfiguration()
            configuration.maximumMessageSize = maximumMessageSize
            let channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addWebSocketHandlers(role: role, configuration: configuration)
            try channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 40_000)).wait()
            return channel
        }

        /// The status code of the close frame the channel wrote, read from its wire bytes.
        private static func sentCloseCode(_ channel: EmbeddedChannel) throws -> UInt16? {
            var wire = ByteBuffer()
            while var piece = try channel.readOutbound(as: ByteBuffer.self) {
                wire.writeBuffer(&piece)
            }
            let frames = try Self.parse(Array(wire.readableBytesView))
            guard let close = frames.last, close.opcode == .connectionClose else { return nil }
            return close.payload.getInteger(at: close.payload.readerIndex, as: UInt16.self)
        }

        @Test func aServerPipelineDeliversMessagesFromReadsOfAnySize() throws {
            let channel = try Self.makeChannel(role: .server)
            var random = SplitMix64(seed: 3)
            let payload = random.bytes(70_000)
            let bytes = Self.wire(payload: payload) + Self.wire(opcode: 0x1, payload: Array("hi".utf8))
            var start = 0
            while start < bytes.count {
                let end = min(start + Int.random(in: 1...9_000, using: &random), bytes.count)
                try channel.writeInbound(ByteBuffer(bytes: bytes[start..<end]))
                start = end
            }
            #expect(
                try channel.readInbound(as: WebSocketMessage.self)
                    == WebSocketMessage(isText: false, data: ByteBuffer(bytes: payload))
            )
            #expect(
                try channel.readInbound(as: WebSocketMessage.self)
                    == WebSocketMessage(isText: true, data: ByteBuffer(string: "hi"))
            )
        }

        @Test func aServerRefusesAnUnmaskedFrameWith1002() throws {
            let channel = try Self.makeChannel(role: .server)
            try channel.writeInbound(ByteBuffer(bytes: Self.wire(payload: [1, 2], key: nil)))
            #expect(try Self.sentCloseCode(channel) == 1002)
            #expect(try channel.readInbound(as: WebSocketMessage.self) == nil)
            #expect(!channel.isActive)
        }

        @Test func aClientRefusesAMaskedFrameWith1002() throws {
            let channel = try Self.makeChannel(role: .client)
            try channel.writeInbound(ByteBuffer(bytes: Self.wire(payload: [1, 2])))
            #expect(try Self.sentCloseCode(channel) == 1002)
            #expect(try channel.readInbound(as: WebSocketMessage.self) == nil)
            #expect(!channel.isActive)
        }

        @Test func aClientDeliversUnmaskedFrames() throws {
            let channel = try Self.makeChannel(role: .client)
            try channel.writeInbound(ByteBuffer(bytes: Self.wire(payload: [1, 2], key: nil)))
            #expect(
                try channel.readInbound(as: WebSocketMessage.self)
                    == WebSocketMessage(isText: false, data: ByteBuffer(bytes: [1, 2]))
            )
        }

        @Test func reservedBitsAndOpcodesCloseWith1002() throws {
            for bytes in [Self.wire(payload: [1], rsv: 0b100), Self.wire(opcode: 0x3, payload: [1])] {
                let channel = try Self.makeChannel(role: .server)
                try channel.writeInbound(ByteBuffer(bytes: bytes))
                #expect(try Self.sentCloseCode(channel) == 1002)
                #expect(!channel.isActive)
            }
        }

        @Test func anOversizedFrameClosesWith1009AndTheRestIsIgnored() throws {
            let channel = try Self.makeChannel(role: .server, maximumMessageSize: 1000)
            let bytes = Self.wire(payload: [], announcedLength: 1001) + Self.wire(opcode: 0x1, payload: [0x41])
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            #expect(try Self.sentCloseCode(channel) == 1009)
            #expect(try channel.readInbound(as: WebSocketMessage.self) == nil)
            #expect(!channel.isActive)
        }

        @Test(arguments: [
            Self.wire(opcode: 0x9, payload: Array(repeating: 0, count: 126)),
            Self.wire(opcode: 0x9, payload: [], fin: false),
            Self.wire(payload: [1], lengthForm: .sixteenBit),
            Self.wire(payload: [], lengthForm: .sixtyFourBit, announcedLength: 1 << 63),
        ])
        func framingErrorsCloseWith1002(bytes: [UInt8]) throws {
            let channel = try Self.makeChannel(role: .server)
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            #expect(try Self.sentCloseCode(channel) == 1002)
            #expect(!channel.isActive)
        }
    }
}
