import GamenetCore
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

/// Decoders that cut a byte stream into messages, and the encoder that joins messages back into a stream.
@Suite struct FramingTests {
    // MARK: - RawFrameDecoder

    @Test func rawDecoderCutsLongReads() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RawFrameDecoder(maximumMessageLength: 4)))
        try channel.writeInbound(ByteBuffer(string: "0123456789"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "0123"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "4567"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "89"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func rawDecoderPassesEachShortReadWhole() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RawFrameDecoder(maximumMessageLength: 4)))
        try channel.writeInbound(ByteBuffer(string: "ab"))
        try channel.writeInbound(ByteBuffer(string: "cde"))
        try channel.writeInbound(ByteBuffer(string: "fghi"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "ab"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "cde"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "fghi"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func rawDecoderIgnoresEmptyReads() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RawFrameDecoder(maximumMessageLength: 4)))
        try channel.writeInbound(ByteBuffer())
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    // MARK: - LineFrameDecoder

    @Test func lineDecoderPassesVerifier() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("hello\n", [ByteBuffer(string: "hello")]),
                ("crlf\r\n", [ByteBuffer(string: "crlf")]),
                ("\n", [ByteBuffer()]),
                ("\r\n", [ByteBuffer()]),
                (
                    "one\ntwo\r\nthree\n",
                    [ByteBuffer(string: "one"), ByteBuffer(string: "two"), ByteBuffer(string: "three")]
                ),
                ("0123456789abcdef\n", [ByteBuffer(string: "0123456789abcdef")]),
                ("a\rb\n", [ByteBuffer(string: "a\rb")]),
            ],
            decoderFactory: { LineFrameDecoder(maximumLineLength: 16) }
        )
    }

    @Test func lineDecoderStripsCRLF() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 64)))
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.0\r\nHost: x\r"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "GET / HTTP/1.0"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        // The `\r` and the `\n` arrive in different reads.
        try channel.writeInbound(ByteBuffer(string: "\n"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "Host: x"))
        #expect(try channel.finish().isClean)
    }

    @Test func lineDecoderPassesUnterminatedLastLineAtInputClosed() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 64)))
        try channel.writeInbound(ByteBuffer(string: "one\ntwo"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "one"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "two"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func lineDecoderPassesUnterminatedLastLineAtClose() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 64)))
        try channel.writeInbound(ByteBuffer(string: "last"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        let leftOvers = try channel.finish()
        guard case .leftOvers(let inbound, let outbound, let pendingOutbound) = leftOvers else {
            Issue.record("expected the last line to be left in the inbound buffer, got \(leftOvers)")
            return
        }
        #expect(inbound.count == 1)
        #expect(outbound.isEmpty)
        #expect(pendingOutbound.isEmpty)
    }

    @Test func lineDecoderRejectsOverlongLineWithoutNewline() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 4)))
        // Five bytes might still be four and a `\r`; six cannot be.
        try channel.writeInbound(ByteBuffer(string: "abcd\r"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(throws: FramingError.messageTooLong(length: 6, limit: 4)) {
            try channel.writeInbound(ByteBuffer(string: "x"))
        }
        _ = try? channel.finish()
    }

    @Test func lineDecoderRejectsOverlongTerminatedLine() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 4)))
        #expect(throws: FramingError.messageTooLong(length: 5, limit: 4)) {
            try channel.writeInbound(ByteBuffer(string: "abcde\n"))
        }
        _ = try? channel.finish()
    }

    @Test func lineDecoderAcceptsLineOfExactlyTheLimit() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 4)))
        try channel.writeInbound(ByteBuffer(string: "abcd\nwxyz\r\n"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "abcd"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "wxyz"))
        #expect(try channel.finish().isClean)
    }

    @Test func lineDecoderRejectsOverlongLastLineAtEOF() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 4)))
        // Five bytes without a newline are held (they might end in `\r\n`), but at EOF they are one byte too many.
        try channel.writeInbound(ByteBuffer(string: "abcde"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(throws: FramingError.messageTooLong(length: 5, limit: 4)) { try channel.throwIfErrorCaught() }
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        _ = try? channel.finish()
    }

    // MARK: - LengthPrefixedFrameDecoder

    @Test func len16DecoderPassesVerifier() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (ByteBuffer(bytes: [0x00, 0x03] + Array("abc".utf8)), [ByteBuffer(string: "abc")]),
                (ByteBuffer(bytes: [0x00, 0x00]), [ByteBuffer()]),
                (
                    ByteBuffer(bytes: [0x00, 0x01, 0x78, 0x00, 0x02, 0x79, 0x7A]),
                    [ByteBuffer(string: "x"), ByteBuffer(string: "yz")]
                ),
                (
                    ByteBuffer(bytes: [0x01, 0x00] + Array(repeating: 0x41, count: 256)),
                    [ByteBuffer(repeating: 0x41, count: 256)]
                ),
            ],
            decoderFactory: { LengthPrefixedFrameDecoder(prefixWidth: .two, maximumMessageLength: 300) }
        )
    }

    @Test func len32DecoderPassesVerifier() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (ByteBuffer(bytes: [0x00, 0x00, 0x00, 0x03] + Array("abc".utf8)), [ByteBuffer(string: "abc")]),
                (ByteBuffer(bytes: [0x00, 0x00, 0x00, 0x00]), [ByteBuffer()]),
                (
                    ByteBuffer(bytes: [0x00, 0x00, 0x01, 0x02] + Array(repeating: 0x42, count: 258)),
                    [ByteBuffer(repeating: 0x42, count: 258)]
                ),
            ],
            decoderFactory: { LengthPrefixedFrameDecoder(prefixWidth: .four, maximumMessageLength: 300) }
        )
    }

    @Test func lengthPrefixedDecoderRejectsOversizedPrefixBeforePayload() throws {
        let decoder = LengthPrefixedFrameDecoder(prefixWidth: .two, maximumMessageLength: 10)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        // Only the prefix has arrived: the error comes before any of the 11 bytes are waited for.
        #expect(throws: FramingError.messageTooLong(length: 11, limit: 10)) {
            try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x0B]))
        }
        _ = try? channel.finish()
    }

    @Test func len32DecoderRejectsHugePrefix() throws {
        let decoder = LengthPrefixedFrameDecoder(prefixWidth: .four, maximumMessageLength: 1024)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        #expect(throws: FramingError.messageTooLong(length: 0xFFFF_FFFF, limit: 1024)) {
            try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF]))
        }
        _ = try? channel.finish()
    }

    @Test func lengthPrefixedDecoderAcceptsMessageOfExactlyTheLimit() throws {
        let decoder = LengthPrefixedFrameDecoder(prefixWidth: .two, maximumMessageLength: 3)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x03, 0x61, 0x62, 0x63]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "abc"))
        #expect(try channel.finish().isClean)
    }

    @Test func lengthPrefixedDecoderReportsTruncatedMessageAtEOF() throws {
        let decoder = LengthPrefixedFrameDecoder(prefixWidth: .two, maximumMessageLength: 100)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x05, 0x61, 0x62]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        let error = try #require(throws: FramingError.self) { try channel.throwIfErrorCaught() }
        #expect(error == .truncatedMessage(expected: 7, received: 4))
        #expect(error.description == "stream ended inside a message: 4 of 7 bytes received")
        _ = try? channel.finish()
    }

    @Test func lengthPrefixedDecoderReportsTruncatedPrefixAtClose() throws {
        let decoder = LengthPrefixedFrameDecoder(prefixWidth: .four, maximumMessageLength: 100)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x00]))
        #expect(throws: FramingError.truncatedMessage(expected: 4, received: 2)) { try channel.finish() }
    }

    @Test func lengthPrefixedDecoderEndsCleanlyBetweenMessages() throws {
        let decoder = LengthPrefixedFrameDecoder(prefixWidth: .two, maximumMessageLength: 100)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x01, 0x61]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "a"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try channel.finish().isClean)
    }

    @Test func framingErrorDescriptions() {
        #expect(
            FramingError.messageTooLong(length: 70000, limit: 65535).description
                == "message of 70000 bytes exceeds the limit of 65535 bytes"
        )
    }

    // MARK: - FrameEncoder

    @Test func linesEncoderAppendsNewline() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder(mode: .lines))
        try channel.writeOutbound(ByteBuffer(string: "hello"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "hello"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "\n"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func len16EncoderWritesBigEndianPrefix() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder(mode: .len16))
        let payload = ByteBuffer(repeating: 0x61, count: 0x0102)
        try channel.writeOutbound(payload)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(bytes: [0x01, 0x02]))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == payload)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func len32EncoderWritesBigEndianPrefix() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder(mode: .len32))
        let payload = ByteBuffer(repeating: 0x62, count: 0x0102)
        try channel.writeOutbound(payload)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(bytes: [0x00, 0x00, 0x01, 0x02]))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == payload)
        #expect(try channel.finish().isClean)
    }

    @Test func len16EncoderRejectsOversizedMessage() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder(mode: .len16))
        let expected = FramingError.messageTooLong(length: 65536, limit: 65535)
        #expect(throws: expected) { try channel.writeOutbound(ByteBuffer(repeating: 0, count: 65536)) }
        #expect(throws: expected) { try channel.throwIfErrorCaught() }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func len16EncoderAcceptsLargestMessage() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder(mode: .len16))
        try channel.writeOutbound(ByteBuffer(repeating: 0, count: 65535))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(bytes: [0xFF, 0xFF]))
        #expect(try channel.readOutbound(as: ByteBuffer.self)?.readableBytes == 65535)
        #expect(try channel.finish().isClean)
    }

    @Test func rawEncoderPassesThrough() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder(mode: .raw))
        try channel.writeOutbound(ByteBuffer(string: "as is"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "as is"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test(arguments: FramingMode.allCases)
    func emptyWriteWithPromiseIsABarrierAndPassesUnframed(mode: FramingMode) throws {
        let channel = EmbeddedChannel(handler: FrameEncoder(mode: mode))
        // `writeOutbound` writes with a promise, which makes an empty buffer the relay's write barrier.
        try channel.writeOutbound(ByteBuffer())
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer())
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test(arguments: [
        (FramingMode.lines, [ByteBuffer(), ByteBuffer(string: "\n")]),
        (.len16, [ByteBuffer(bytes: [0, 0]), ByteBuffer()]),
        (.len32, [ByteBuffer(bytes: [0, 0, 0, 0]), ByteBuffer()]),
        (.raw, [ByteBuffer()]),
    ])
    func emptyMessageWithoutPromiseIsFramed(mode: FramingMode, expected: [ByteBuffer]) throws {
        let channel = EmbeddedChannel(handler: FrameEncoder(mode: mode))
        channel.pipeline.syncOperations.writeAndFlush(NIOAny(ByteBuffer()), promise: nil)
        var written: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            written.append(buffer)
        }
        #expect(written == expected)
        #expect(try channel.finish().isClean)
    }

    @Test func writeBarrierNeedsAPromiseAndAnEmptyBuffer() {
        let loop = EmbeddedEventLoop()
        let promise = loop.makePromise(of: Void.self)
        #expect(WriteBarrier.isBarrier(ByteBuffer(), promise: promise))
        #expect(!WriteBarrier.isBarrier(ByteBuffer(), promise: nil))
        #expect(!WriteBarrier.isBarrier(ByteBuffer(string: "x"), promise: promise))
        promise.succeed(())
    }

    // MARK: - Framing handlers together

    @Test func addFramingHandlersDecodesAndEncodesLines() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFramingHandlers(mode: .lines, maximumMessageLength: 8)
        try channel.writeInbound(ByteBuffer(string: "ping\r\n"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "ping"))
        try channel.writeOutbound(ByteBuffer(string: "pong"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "pong"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "\n"))
        #expect(try channel.finish().isClean)
    }

    @Test func addFramingHandlersLen16CarriesTheLargestMessage() throws {
        let channel = EmbeddedChannel()
        // A limit above what a 16-bit prefix can say is capped at 0xFFFF, which still lets every message through.
        try channel.pipeline.syncOperations.addFramingHandlers(mode: .len16, maximumMessageLength: 1 << 20)
        var frame = ByteBuffer(bytes: [0xFF, 0xFF])
        frame.writeRepeatingByte(0x7A, count: 0xFFFF)
        try channel.writeInbound(frame)
        #expect(try channel.readInbound(as: ByteBuffer.self)?.readableBytes == 0xFFFF)
        #expect(try channel.finish().isClean)
    }

    @Test func framingModeLargestMessage() {
        #expect(FramingMode.len16.largestMessage == 65535)
        #expect(FramingMode.len32.largestMessage == Int(UInt32.max))
        #expect(FramingMode.raw.largestMessage == Int(UInt32.max))
    }
}
