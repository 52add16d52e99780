import GamenetCore
import NIOCore
import Testing

/// The bytes of every message type, written out: a change to the wire format fails here before any client notices.
/// The same bytes appear in the protocol article's examples.
@Suite struct GameCodecGoldenBytesTests {
    /// The binary form of each of ``exampleMessages``, in the same order.
    static let goldenHex: [String] = [
        "01474e455401000100",
        "01474e45540200020001010000000000000007000102030405060708090a0b0c0d0e0f0000000000000029",
        "0200010000000000000007000102030405060708090a0b0c0d0e0f00003a980fa0000061a8000100000010000000320001d4c0",
        "030000000000000007000000000000002c000100012f00056c6f626279",
        "0403000b7265706c6179206c6f7374",
        "05020004736c6f77",
        "10",
        "110000000000000007",
        "12",
        "2000012f00056c6f62627900080005616c696365",
        "2100012f00056c6f626279000200000000000000070005616c69636500000000000000090000",
        "2200012f00056c6f626279",
        "2300012f00056c6f626279",
        "2400012f00056c6f62627900000000000000090003626f62",
        "2500012f00056c6f626279000000000000000901",
        "2600012f00056c6f626279",
        "2700012f00056c6f626279000100000000000000070005616c696365",
        "3000012f00056c6f62627903000000026869",
        "3100012f00056c6f62627900000000000000070005616c696365000000026869",
        "320000000000000009000000000200ff",
        "3300000000000000070000000470737374",
        "34000000030000000000000009000013880000000672656164793f",
        "35000000030000000000000007000013880000000672656164793f",
        "3600000003000000000000000700000003796573",
        "3700000003000000000000000900000003796573",
        "380000000301",
        "4000000000000f4240",
        "4100000000000f4240",
        "500004000466756c6c",
        "5100010009736c6f7720646f776e",
    ]

    /// The JSON form of each of ``exampleMessages``, in the same order.
    static let goldenJSON: [String] = [
        #"{"type":"clientHello","versions":[1]}"#,
        #"{"resume":{"key":"000102030405060708090a0b0c0d0e0f","lastReceivedSequence":41,"sessionID":7},"type":"clientHello","versions":[2,1]}"#,
        #"{"heartbeatIntervalMilliseconds":15000,"key":"000102030405060708090a0b0c0d0e0f","maximumMessageSize":65536,"maximumRooms":16,"messagesPerSecond":50,"resumeWindowMilliseconds":120000,"sessionID":7,"type":"hello","udpKeepaliveIntervalMilliseconds":25000,"udpPort":4000,"version":1}"#,
        #"{"lastSequence":44,"rooms":[{"namespace":"/","room":"lobby"}],"sessionID":7,"type":"resumeAccepted"}"#,
        #"{"message":"replay lost","reason":3,"type":"resumeRejected"}"#,
        #"{"message":"slow","reason":2,"type":"goodbye"}"#,
        #"{"type":"udpBind"}"#,
        #"{"sessionID":7,"type":"udpBound"}"#,
        #"{"type":"udpKeepalive"}"#,
        #"{"maximumMembers":8,"name":"alice","namespace":"/","room":"lobby","type":"join"}"#,
        #"{"members":[{"name":"alice","sessionID":7},{"sessionID":9}],"namespace":"/","room":"lobby","type":"joined"}"#,
        #"{"namespace":"/","room":"lobby","type":"leave"}"#,
        #"{"namespace":"/","room":"lobby","type":"left"}"#,
        #"{"member":{"name":"bob","sessionID":9},"namespace":"/","room":"lobby","type":"memberEntered"}"#,
        #"{"namespace":"/","reason":1,"room":"lobby","sessionID":9,"type":"memberExited"}"#,
        #"{"namespace":"/","room":"lobby","type":"listMembers"}"#,
        #"{"members":[{"name":"alice","sessionID":7}],"namespace":"/","room":"lobby","type":"members"}"#,
        #"{"channel":"unreliable","includesSender":true,"namespace":"/","payload":"hi","room":"lobby","type":"broadcast"}"#,
        #"{"namespace":"/","payload":"hi","room":"lobby","senderID":7,"senderName":"alice","type":"roomMessage"}"#,
        #"{"channel":"reliable","payload":{"base64":"AP8="},"recipientID":9,"type":"send"}"#,
        #"{"payload":"psst","senderID":7,"type":"directMessage"}"#,
        #"{"payload":"ready?","recipientID":9,"requestID":3,"timeoutMilliseconds":5000,"type":"request"}"#,
        #"{"payload":"ready?","requestID":3,"senderID":7,"timeoutMilliseconds":5000,"type":"incomingRequest"}"#,
        #"{"payload":"yes","recipientID":7,"requestID":3,"type":"ack"}"#,
        #"{"payload":"yes","requestID":3,"senderID":9,"type":"ackReceived"}"#,
        #"{"reason":1,"requestID":3,"type":"requestFailed"}"#,
        #"{"timestamp":1000000,"type":"ping"}"#,
        #"{"timestamp":1000000,"type":"pong"}"#,
        #"{"code":4,"message":"full","type":"error"}"#,
        #"{"code":1,"message":"slow down","type":"warning"}"#,
    ]

    @Test func everyMessageTypeHasAnExample() {
        let types = Set(exampleMessages.map(\.type))
        #expect(types == Set(GameMessage.MessageType.allCases))
        #expect(Self.goldenHex.count == exampleMessages.count)
        #expect(Self.goldenJSON.count == exampleMessages.count)
    }

    @Test(arguments: 0..<exampleMessages.count)
    func binaryFormMatchesGoldenBytes(_ index: Int) throws {
        let message = exampleMessages[index]
        let bytes = try GameCodec.encode(.message(message))
        #expect(hexString(bytes) == Self.goldenHex[index], "\(message.type)")
        #expect(try GameFrame(decoding: gameHex(Self.goldenHex[index])) == .message(message))
    }

    @Test(arguments: 0..<exampleMessages.count)
    func jsonFormMatchesGoldenText(_ index: Int) throws {
        let message = exampleMessages[index]
        #expect(String(buffer: try GameJSONCodec.encode(message)) == Self.goldenJSON[index], "\(message.type)")
        let decoded = try GameJSONCodec.decode(ByteBuffer(string: Self.goldenJSON[index]))
        #expect(decoded.sequence == nil)
        #expect(decoded.message == message)
    }

    @Test func sequencedFrame() throws {
        let frame = GameFrame.sequenced(42, .left(.init(namespace: "/", room: "lobby")))
        let expected = "7e" + "000000000000002a" + "23" + "0001" + "2f" + "0005" + "6c6f626279"
        #expect(hexString(try GameCodec.encode(frame)) == expected)
        #expect(try GameFrame(decoding: gameHex(expected)) == frame)
    }

    @Test func datagramFrame() throws {
        let frame = GameFrame.datagram(.init(sessionID: 7, key: exampleKey), .udpBind)
        let expected = "7f" + "0000000000000007" + "000102030405060708090a0b0c0d0e0f" + "10"
        #expect(hexString(try GameCodec.encode(frame)) == expected)
        #expect(try GameFrame(decoding: gameHex(expected)) == frame)
    }

    @Test func streamFrameHasABigEndianLengthPrefix() throws {
        let bytes = try GameCodec.encodeForStream(.message(.ping(.init(timestamp: 1_000_000))))
        #expect(hexString(bytes) == "00000009" + "4000000000000f4240")
    }

    @Test func sequencedJSON() throws {
        let text = try GameJSONCodec.encode(.left(.init(namespace: "/", room: "lobby")), sequence: 42)
        #expect(String(buffer: text) == #"{"namespace":"/","room":"lobby","seq":42,"type":"left"}"#)
        let spliced = GameJSONCodec.sequenced(
            try GameJSONCodec.encode(.left(.init(namespace: "/", room: "lobby"))),
            sequence: 42
        )
        #expect(String(buffer: spliced) == #"{"seq":42,"namespace":"/","room":"lobby","type":"left"}"#)
        let decoded = try GameJSONCodec.decode(spliced)
        #expect(decoded.sequence == 42)
        #expect(decoded.message == .left(.init(namespace: "/", room: "lobby")))
    }

    @Test func jsonDefaultsForBrowserClients() throws {
        let decoded = try GameJSONCodec.decode(
            ByteBuffer(string: #"{"type":"broadcast","namespace":"/","room":"lobby","payload":"hi"}"#)
        )
        #expect(
            decoded.message
                == .broadcast(
                    .init(namespace: "/", room: "lobby", includesSender: false, channel: .reliable, payload: "hi")
                )
        )
        let binary = try GameJSONCodec.decode(
            ByteBuffer(string: #"{"type":"send","recipientID":9,"payload":{"base64":"AP8="}}"#)
        )
        #expect(
            binary.message == .send(.init(recipientID: 9, channel: .reliable, payload: GamePayload(bytes: [0, 255])))
        )
    }
}
