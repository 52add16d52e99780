import GamenetCore
import NIOCore
import NIOWebSocket
import Testing

extension WebSocketTests {
    /// The rules of RFC 6455 in ``WebSocketConnection``, the pure state machine: frames and time in, actions out.
    @Suite struct Connection {
        private static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

        private static func server(
            _ configure: (inout WebSocketConfiguration) -> Void = { _ in }
        ) -> WebSocketConnection {
            var configuration = WebSocketConfiguration()
            configure(&configuration)
            return WebSocketConnection(role: .server, configuration: configuration, now: Self.start)
        }

        private static func client(
            _ configure: (inout WebSocketConfiguration) -> Void = { _ in }
        ) -> WebSocketConnection {
            var configuration = WebSocketConfiguration()
            configure(&configuration)
            return WebSocketConnection(role: .client, configuration: configuration, now: Self.start)
        }

        private static func at(_ seconds: Double) -> NIODeadline {
            Self.start + .nanoseconds(Int64(seconds * 1e9))
        }

        // MARK: - Messages and fragmentation (§5.4)

        @Test func aSingleFrameIsOneMessage() {
            var connection = Self.server()
            let action = connection.receive(WSFrames.text("hello"), now: Self.start)
            #expect(action == .deliver(WebSocketMessage(isText: true, data: ByteBuffer(string: "hello"))))
            let binary = connection.receive(WSFrames.frame(.binary, [0, 1, 0xFF]), now: Self.start)
            #expect(binary == .deliver(WebSocketMessage(isText: false, data: ByteBuffer(bytes: [0, 1, 0xFF]))))
            #expect(connection.isOpen)
        }

        @Test func emptyMessagesAreDelivered() {
            var connection = Self.server()
            #expect(
                connection.receive(WSFrames.text(""), now: Self.start)
                    == .deliver(WebSocketMessage(isText: true, data: ByteBuffer()))
            )
            #expect(
                connection.receive(WSFrames.frame(.binary, []), now: Self.start)
                    == .deliver(WebSocketMessage(isText: false, data: ByteBuffer()))
            )
        }

        @Test(arguments: [WebSocketOpcode.text, .binary])
        func fragmentsAreReassembledIntoOneMessage(opcode: WebSocketOpcode) {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.frame(opcode, Array("Hel".utf8), fin: false), now: Self.start) == .none)
            #expect(
                connection.receive(WSFrames.frame(.continuation, Array("lo, ".utf8), fin: false), now: Self.start)
                    == .none
            )
            #expect(connection.receive(WSFrames.frame(.continuation, [], fin: false), now: Self.start) == .none)
            let action = connection.receive(
                WSFrames.frame(.continuation, Array("world".utf8), fin: true),
                now: Self.start
            )
            #expect(
                action == .deliver(WebSocketMessage(isText: opcode == .text, data: ByteBuffer(string: "Hello, world")))
            )
            // The next message starts afresh.
            #expect(
                connection.receive(WSFrames.text("next"), now: Self.start).message?.data == ByteBuffer(string: "next")
            )
        }

        @Test func controlFramesMayComeBetweenFragments() {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.text("frag", fin: false), now: Self.start) == .none)
            let pong = connection.receive(WSFrames.frame(.ping, Array("are you there".utf8)), now: Self.start)
            #expect(pong == .reply(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer(string: "are you there"))))
            #expect(connection.receive(WSFrames.frame(.pong, [1, 2]), now: Self.start) == .none)
            let action = connection.receive(WSFrames.frame(.continuation, Array("ment".utf8)), now: Self.start)
            #expect(action == .deliver(WebSocketMessage(isText: true, data: ByteBuffer(string: "fragment"))))
        }

        @Test func continuationWithoutAStartIs1002() {
            var connection = Self.server()
            #expect(
                connection.receive(WSFrames.frame(.continuation, Array("x".utf8)), now: Self.start).sentCloseCode
                    == 1002
            )
            #expect(!connection.isOpen)
        }

        @Test(arguments: [WebSocketOpcode.text, .binary])
        func aNewMessageInsideAFragmentedOneIs1002(second: WebSocketOpcode) {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.frame(.binary, [1], fin: false), now: Self.start) == .none)
            #expect(connection.receive(WSFrames.frame(second, [2], fin: true), now: Self.start).sentCloseCode == 1002)
        }

        @Test func frameForAMessageKeepsItsKind() {
            let connection = Self.client()
            let text = connection.frame(
                for: WebSocketMessage(isText: true, data: ByteBuffer(string: "t")),
                maskKey: WSFrames.key
            )
            #expect(text.opcode == .text && text.fin && text.maskKey == WSFrames.key)
            let binary = connection.frame(
                for: WebSocketMessage(isText: false, data: ByteBuffer(bytes: [7])),
                maskKey: nil
            )
            #expect(
                binary.opcode == .binary && binary.fin && binary.maskKey == nil && binary.data == ByteBuffer(bytes: [7])
            )
        }

        // MARK: - Ping and pong (§5.5.2, §5.5.3)

        @Test func pingIsAnsweredWithAPongOfTheSamePayload() {
            var connection = Self.server()
            let payload = Array(0..<125).map { UInt8($0) }
            let action = connection.receive(WSFrames.frame(.ping, payload), now: Self.start)
            // The server's pong is unmasked; the payload is the ping's, unmasked.
            #expect(action == .reply(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer(bytes: payload))))
            #expect(
                connection.receive(WSFrames.frame(.ping, []), now: Self.start)
                    == .reply(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
            )
        }

        @Test func aClientAnswersAServersPingToo() {
            var connection = Self.client()
            let action = connection.receive(WSFrames.frame(.ping, [9, 8, 7], masked: false), now: Self.start)
            // Masking is the handler's job: the state machine's frames carry no key.
            #expect(action == .reply(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer(bytes: [9, 8, 7]))))
        }

        @Test func anUnsolicitedPongIsIgnored() {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.frame(.pong, Array("hi".utf8)), now: Self.start) == .none)
            #expect(connection.isOpen)
        }

        // MARK: - Closing handshake (§5.5.1, §7)

        @Test func weCloseAndThePeerAnswers() {
            var connection = Self.server()
            let frame = connection.close(code: .normalClosure, reason: "done", now: Self.start)
            #expect(frame?.opcode == .connectionClose)
            #expect(frame.flatMap(WSFrames.closeCode) == 1000)
            #expect(frame.map(WSFrames.closeReason) == Array("done".utf8))
            #expect(!connection.isOpen)
            // Only one close frame is ever sent.
            #expect(connection.close(now: Self.start) == nil)
            #expect(connection.receive(WSFrames.close(code: 1000), now: Self.start) == .closeNow)
            // Anything after that is ignored.
            #expect(connection.receive(WSFrames.text("late"), now: Self.start) == .none)
        }

        @Test func thePeerClosesAndWeEchoItsCode() throws {
            var connection = Self.server()
            let action = connection.receive(WSFrames.close(code: 4001, reason: Array("bye".utf8)), now: Self.start)
            let frame = try #require(action.closeFrame)
            #expect(WSFrames.closeCode(frame) == 4001)
            #expect(frame.maskKey == nil)
            #expect(!connection.isOpen)
            #expect(connection.receive(WSFrames.text("late"), now: Self.start) == .none)
        }

        @Test func aCloseWithoutACodeIsAnsweredWithoutOne() {
            var connection = Self.server()
            let action = connection.receive(WSFrames.close(code: nil), now: Self.start)
            #expect(action.closeFrame?.unmaskedData.readableBytes == 0)
        }

        @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999] as [UInt16])
        func validCloseCodesAreEchoed(code: UInt16) {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.close(code: code), now: Self.start).sentCloseCode == code)
        }

        @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535] as [UInt16])
        func invalidCloseCodesAre1002(code: UInt16) {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.close(code: code), now: Self.start).sentCloseCode == 1002)
        }

        @Test func aOneByteCloseBodyIs1002() {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.frame(.connectionClose, [0x03]), now: Self.start).sentCloseCode == 1002)
        }

        @Test func anInvalidUTF8CloseReasonIs1007() {
            var connection = Self.server()
            let action = connection.receive(
                WSFrames.close(code: 1000, reason: [0xCE, 0xBA, 0xED, 0xA0, 0x80]),
                now: Self.start
            )
            #expect(action.sentCloseCode == 1007)
            var truncated = Self.server()
            #expect(
                truncated.receive(WSFrames.close(code: 1000, reason: [0x61, 0xE2, 0x82]), now: Self.start).sentCloseCode
                    == 1007
            )
        }

        @Test func aLongCloseReasonIsCutOnACharacterBoundary() {
            var connection = Self.server()
            let frame = connection.close(code: .goingAway, reason: String(repeating: "é", count: 100), now: Self.start)
            let body = frame.map { Array($0.data.readableBytesView) } ?? []
            // §5.5: a control frame's payload is at most 125 bytes; 2 for the code and 122 of whole two-byte "é"s.
            #expect(body.count == 124)
            #expect(String(validating: body.dropFirst(2), as: UTF8.self) == String(repeating: "é", count: 61))
        }

        @Test func aProtocolErrorAfterOurCloseClosesWithoutASecondCloseFrame() {
            var connection = Self.server()
            #expect(connection.close(now: Self.start) != nil)
            // §5.5.1: one close frame per endpoint; the connection is failed by closing TCP.
            #expect(connection.receive(WSFrames.frame(.text, [0x61], rsv1: true), now: Self.start) == .closeNow)
            #expect(connection.receive(WSFrames.close(code: 1000), now: Self.start) == .none)
        }

        // MARK: - UTF-8 (§8.1)

        @Test func invalidUTF8InASingleTextFrameIs1007() {
            var connection = Self.server()
            #expect(
                connection.receive(WSFrames.frame(.text, [0x61, 0xC0, 0x80]), now: Self.start).sentCloseCode == 1007
            )
            // Binary messages are not checked.
            var binary = Self.server()
            #expect(binary.receive(WSFrames.frame(.binary, [0x61, 0xC0, 0x80]), now: Self.start).message != nil)
        }

        @Test func aCodePointSplitAcrossFragmentsIsValid() {
            var connection = Self.server()
            let bytes = Array("κόσμε".utf8)
            // Split inside "ό" (CF 8C) and again inside "μ" (CE BC).
            #expect(
                connection.receive(WSFrames.frame(.text, Array(bytes[0..<3]), fin: false), now: Self.start) == .none
            )
            #expect(
                connection.receive(WSFrames.frame(.continuation, Array(bytes[3..<7]), fin: false), now: Self.start)
                    == .none
            )
            let action = connection.receive(WSFrames.frame(.continuation, Array(bytes[7...])), now: Self.start)
            #expect(action == .deliver(WebSocketMessage(isText: true, data: ByteBuffer(string: "κόσμε"))))
        }

        @Test func invalidUTF8FailsAtTheFragmentThatHasIt() {
            var connection = Self.server()
            // "κ" and the first two bytes of "ὅ" (E1 BD 85): valid so far.
            #expect(
                connection.receive(WSFrames.frame(.text, [0xCE, 0xBA, 0xE1, 0xBD], fin: false), now: Self.start)
                    == .none
            )
            // A surrogate (ED A0 80) cannot continue it: the connection fails now, before the message ends.
            let action = connection.receive(
                WSFrames.frame(.continuation, [0xED, 0xA0, 0x80], fin: false),
                now: Self.start
            )
            #expect(action.sentCloseCode == 1007)
            #expect(!connection.isOpen)
        }

        @Test func aTextMessageEndingInsideACodePointIs1007() {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.frame(.text, [0x61, 0xE2], fin: false), now: Self.start) == .none)
            #expect(
                connection.receive(WSFrames.frame(.continuation, [0x82], fin: true), now: Self.start).sentCloseCode
                    == 1007
            )
            var single = Self.server()
            #expect(single.receive(WSFrames.frame(.text, [0x61, 0xF0, 0x9F]), now: Self.start).sentCloseCode == 1007)
        }

        // MARK: - Message size (§7.4.1: 1009)

        @Test func aSingleFrameOverTheLimitIs1009() {
            var connection = Self.server { $0.maximumMessageSize = 10 }
            #expect(
                connection.receive(WSFrames.frame(.binary, Array(repeating: 1, count: 10)), now: Self.start).message
                    != nil
            )
            #expect(
                connection.receive(WSFrames.frame(.binary, Array(repeating: 1, count: 11)), now: Self.start)
                    .sentCloseCode == 1009
            )
        }

        @Test func fragmentsOverTheLimitTogetherAre1009() {
            var connection = Self.server { $0.maximumMessageSize = 10 }
            #expect(
                connection.receive(WSFrames.frame(.text, Array("abcde".utf8), fin: false), now: Self.start) == .none
            )
            let exact = connection.receive(WSFrames.frame(.continuation, Array("fghij".utf8)), now: Self.start)
            #expect(exact.message?.data == ByteBuffer(string: "abcdefghij"))

            #expect(
                connection.receive(WSFrames.frame(.binary, Array(repeating: 2, count: 6), fin: false), now: Self.start)
                    == .none
            )
            // Over the limit before the message ends: fail at once rather than buffer more.
            let over = connection.receive(
                WSFrames.frame(.continuation, Array(repeating: 2, count: 5), fin: false),
                now: Self.start
            )
            #expect(over.sentCloseCode == 1009)
        }

        // MARK: - Masking (§5.1, §5.3)

        @Test func aServerRejectsAnUnmaskedFrame() {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.text("plain", masked: false), now: Self.start).sentCloseCode == 1002)
        }

        @Test func aClientRejectsAMaskedFrame() {
            var connection = Self.client()
            #expect(connection.receive(WSFrames.text("masked", masked: true), now: Self.start).sentCloseCode == 1002)
            var unmasked = Self.client()
            #expect(
                unmasked.receive(WSFrames.text("plain", masked: false), now: Self.start).message?.data
                    == ByteBuffer(string: "plain")
            )
        }

        // MARK: - Reserved bits and opcodes (§5.2)

        @Test(arguments: [(true, false, false), (false, true, false), (false, false, true)])
        func reservedBitsAre1002(bits: (Bool, Bool, Bool)) {
            var connection = Self.server()
            let frame = WSFrames.frame(.text, Array("x".utf8), rsv1: bits.0, rsv2: bits.1, rsv3: bits.2)
            #expect(connection.receive(frame, now: Self.start).sentCloseCode == 1002)
        }

        @Test(arguments: [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] as [UInt8])
        func reservedOpcodesAre1002(encoded: UInt8) throws {
            var connection = Self.server()
            let opcode = try #require(WebSocketOpcode(encodedWebSocketOpcode: encoded))
            #expect(connection.receive(WSFrames.frame(opcode, [1, 2, 3]), now: Self.start).sentCloseCode == 1002)
        }

        @Test func framesAfterAFailureAreIgnored() {
            var connection = Self.server()
            #expect(connection.receive(WSFrames.text("x", masked: false), now: Self.start).sentCloseCode == 1002)
            #expect(connection.receive(WSFrames.text("y"), now: Self.start) == .none)
            #expect(connection.receive(WSFrames.frame(.ping, [1]), now: Self.start) == .none)
        }

        // MARK: - Timers

        @Test func noTimersWithoutAPingIntervalWhileOpen() {
            var connection = Self.server()
            #expect(connection.nextTick() == nil)
            #expect(connection.tick(now: Self.at(3600)) == .none)
            #expect(connection.isOpen)
        }

        @Test func aPingGoesOutAfterTheIntervalAndTheConnectionClosesAfterThePingTimeout() throws {
            var connection = Self.server {
                $0.pingInterval = .seconds(5)
                $0.pingTimeout = .seconds(2)
            }
            #expect(connection.nextTick() == Self.at(5))
            #expect(connection.tick(now: Self.at(4.9)) == .none)
            let ping = connection.tick(now: Self.at(5))
            guard case .sendPing(let frame) = ping else {
                Issue.record("expected a ping, got \(ping)")
                return
            }
            #expect(frame.opcode == .ping && frame.fin && frame.data.readableBytes <= 125)
            #expect(connection.nextTick() == Self.at(7))
            // No second ping while the first is unanswered.
            #expect(connection.tick(now: Self.at(6)) == .none)
            #expect(connection.tick(now: Self.at(7)) == .closeNow)
            #expect(!connection.isOpen)
            #expect(connection.nextTick() == nil)
        }

        @Test func anythingHeardAnswersAPing() {
            var connection = Self.server {
                $0.pingInterval = .seconds(5)
                $0.pingTimeout = .seconds(2)
            }
            guard case .sendPing = connection.tick(now: Self.at(5)) else {
                Issue.record("expected a ping")
                return
            }
            #expect(connection.receive(WSFrames.frame(.pong, []), now: Self.at(6)) == .none)
            #expect(connection.tick(now: Self.at(7)) == .none)
            #expect(connection.nextTick() == Self.at(11))
            // Data counts as well as a pong: the peer is alive.
            #expect(connection.receive(WSFrames.text("still here"), now: Self.at(10)).message != nil)
            #expect(connection.tick(now: Self.at(11)) == .none)
            #expect(connection.nextTick() == Self.at(15))
            #expect(connection.isOpen)
        }

        @Test func ourCloseTimesOutWhenThePeerNeverAnswers() {
            var connection = Self.server { $0.closeTimeout = .seconds(3) }
            #expect(connection.close(now: Self.at(1)) != nil)
            #expect(connection.nextTick() == Self.at(4))
            #expect(connection.tick(now: Self.at(3.9)) == .none)
            #expect(connection.tick(now: Self.at(4)) == .closeNow)
            #expect(connection.nextTick() == nil)
            #expect(connection.tick(now: Self.at(10)) == .none)
        }

        @Test func noPingsWhileClosing() {
            var connection = Self.server {
                $0.pingInterval = .seconds(1)
                $0.closeTimeout = .seconds(3)
            }
            #expect(connection.close(now: Self.start) != nil)
            #expect(connection.tick(now: Self.at(2)) == .none)
            #expect(connection.tick(now: Self.at(3)) == .closeNow)
        }
    }
}
