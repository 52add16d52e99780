import GamenetCore
import NIOCore
import Testing

/// Byte-for-byte agreement with the reference ikcp.c: each scenario of ``KCPGoldenVectors`` (operations the reference
/// ran, with the datagrams it emitted, the values `ikcp_check` returned and the messages `ikcp_recv` gave) is
/// replayed on `KCPSession` with the same configuration, inputs and clock.
@Suite struct KCPGoldenBytesTests {
    /// The scenarios of the vectors file, by name, as lines split into fields.
    static let scenarios: [(name: String, lines: [[Substring]])] = {
        var scenarios: [(name: String, lines: [[Substring]])] = []
        for line in KCPGoldenVectors.text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let first = fields.first, first != "#" else { continue }
            if first == "scenario" {
                scenarios.append((String(fields[1]), []))
            } else {
                scenarios[scenarios.count - 1].lines.append(fields)
            }
        }
        return scenarios
    }()

    static let names = [
        "message-default", "message-fast3-loss", "stream", "window-probe", "crafted-input", "nodelay2-deadlink",
        "default-backoff-wrap", "nodelay1-backoff-wrap", "crafted-absurd-rtt",
    ]

    @Test func vectorsHoldEveryScenario() {
        #expect(Self.scenarios.map(\.name) == Self.names)
        let datagrams = Self.scenarios.map { $0.lines.filter { $0.first == ">" }.count }
        #expect(datagrams == [9, 29, 9, 19, 3, 24, 32, 48, 2])
    }

    @Test(arguments: names)
    func replaysReferenceByteForByte(_ name: String) throws {
        let scenario = try #require(Self.scenarios.first { $0.name == name })
        var replay = KCPGoldenReplay()
        for (number, fields) in scenario.lines.enumerated() {
            try replay.apply(fields, line: "\(name):\(number + 1)")
        }
        replay.finishOutputs(line: "\(name): end")
        #expect(replay.operations > 0)
    }

    /// A few datagrams of the vectors decoded by hand, field by field.
    @Test func decodesReferenceHeaders() throws {
        // message-default: the first PUSH, the 5-byte message sent at t = 100.
        var push = ByteBuffer(bytes: try kcpHex("4433221151008000640000000000000000000000050000000d141b2229"))
        let header = try push.readKCPSegmentHeader()
        #expect(
            header
                == KCPSegmentHeader(
                    conversation: kcpTestConversation,
                    command: .push,
                    fragment: 0,
                    window: 128,
                    timestamp: 100,
                    sequenceNumber: 0,
                    unacknowledged: 0,
                    length: 5
                )
        )
        #expect(push.readableBytesView.elementsEqual(kcpPattern(5, seed: 1).readableBytesView))

        // message-default: the first fragment (frg 2 of 3) of the 3,000-byte message, and what follows it.
        let datagrams = try #require(Self.scenarios.first { $0.name == "message-default" }).lines.filter {
            $0[0] == ">"
        }
        let full = try #require(datagrams.first { $0[1].count == 2 * 1400 })
        var fragments = ByteBuffer(bytes: try kcpHex(full[1]))
        #expect(fragments.readableBytes == 1400)
        let first = try fragments.readKCPSegmentHeader()
        #expect(first.command == .push && first.fragment == 2 && first.timestamp == 300 && first.sequenceNumber == 1)
        #expect(first.length == 1376 && first.window == 128 && first.unacknowledged == 0)
        let body = fragments.readSlice(length: 1376)
        #expect(body == kcpPattern(3000, seed: 2).getSlice(at: 0, length: 1376))
        #expect(fragments.readableBytes == 0)

        // crafted-input: two ACKs and a WINS in one datagram; the WINS carries the last ACK's sn and ts, as
        // ikcp_flush reuses its segment, and the window is 126 (two messages waiting in rcv_queue).
        var acks = ByteBuffer(
            bytes: try kcpHex(
                "4433221152007e0084030000000000000200000000000000"
                    + "4433221152007e008e0300000100000002000000000000004433221154007e008e030000010000000200000000000000"
            )
        )
        var headers: [KCPSegmentHeader] = []
        while acks.readableBytes > 0 { headers.append(try acks.readKCPSegmentHeader()) }
        #expect(headers.map(\.command) == [.ack, .ack, .windowTell])
        #expect(headers.map(\.sequenceNumber) == [0, 1, 1])
        #expect(headers.map(\.timestamp) == [900, 910, 910])
        #expect(headers.allSatisfy { $0.window == 126 && $0.unacknowledged == 2 && $0.length == 0 })

        // And written back, byte for byte.
        var written = ByteBuffer()
        for header in headers { written.writeKCPSegmentHeader(header) }
        #expect(
            written.readableBytesView.elementsEqual(
                try kcpHex(
                    "4433221152007e0084030000000000000200000000000000"
                        + "4433221152007e008e0300000100000002000000000000004433221154007e008e030000010000000200000000000000"
                )
            )
        )
    }
}

/// Replays the lines of one golden scenario on `KCPSession`s.
struct KCPGoldenReplay {
    var sessions: [Substring: KCPSession] = [:]
    /// Datagrams the last `u` or `f` produced, and how many of them `>` lines have matched.
    var outputs: [ByteBuffer] = []
    var matched = 0
    var outputsLine = ""
    var operations = 0

    mutating func apply(_ fields: [Substring], line: String) throws {
        if fields[0] == ">" {
            let expected = try kcpHex(fields[1])
            guard self.matched < self.outputs.count else {
                Issue.record("\(line): the reference emitted a datagram here, KCPSession did not")
                return
            }
            let actual = self.outputs[self.matched]
            #expect(
                Array(actual.readableBytesView) == expected,
                "\(line): datagram \(self.matched) of \(self.outputsLine) differs from the reference"
            )
            Self.checkDecodes(actual, line: line)
            self.matched += 1
            return
        }
        self.finishOutputs(line: line)
        self.operations += 1
        let side = fields[0]
        let operation = fields[1]
        let conversation = kcpTestConversation
        if operation == "cfg" {
            let values = fields[2...].map { Int($0)! }
            var configuration = KCPConfiguration()
            configuration.setNodelay(
                values[0],
                interval: values[1],
                resend: values[2],
                noCongestionWindow: values[3] != 0
            )
            configuration.sendWindow = values[4]
            configuration.receiveWindow = values[5]
            configuration.mtu = values[6]
            configuration.isStream = values[7] != 0
            configuration.deadLink = values[8]
            self.sessions[side] = KCPSession(conversation: conversation, configuration: configuration)
            return
        }
        guard var session = self.sessions[side] else {
            Issue.record("\(line): no session \(side)")
            return
        }
        defer { self.sessions[side] = session }
        switch operation {
        case "s":
            let message = kcpPattern(Int(fields[2])!, seed: Int(fields[3])!)
            let expected = Int(fields[4])!
            do {
                try session.send(message)
                #expect(expected == 0, "\(line): send succeeded, the reference returned \(expected)")
            } catch {
                #expect(expected == -2, "\(line): send failed (\(error)), the reference returned \(expected)")
            }
        case "i":
            let datagram = ByteBuffer(bytes: try kcpHex(fields[2]))
            let expected = Int(fields[3])!
            do {
                try session.input(datagram)
                #expect(expected == 0, "\(line): input accepted, the reference returned \(expected)")
            } catch {
                #expect(
                    error.referenceCode == expected,
                    "\(line): input threw \(error), the reference returned \(expected)"
                )
            }
        case "u":
            let now = UInt32(fields[2])!
            var emitted: [ByteBuffer] = []
            session.update(now: now) { emitted.append($0) }
            self.startOutputs(emitted, line: line)
            #expect(session.check(now: now) == UInt32(fields[3])!, "\(line): check(now: \(now))")
        case "f":
            var emitted: [ByteBuffer] = []
            session.flush { emitted.append($0) }
            self.startOutputs(emitted, line: line)
        case "c":
            #expect(session.check(now: UInt32(fields[2])!) == UInt32(fields[3])!, "\(line): check")
        case "r":
            let message = session.receive()
            if fields[2] == "none" {
                #expect(message == nil, "\(line): KCPSession gave a message, the reference none")
            } else if let message {
                #expect(message.readableBytes == Int(fields[2])!, "\(line): message length")
                #expect(String(kcpFNV1a64(message), radix: 16).leftPadded(16) == fields[3], "\(line): message bytes")
            } else {
                Issue.record("\(line): the reference received a message, KCPSession none")
            }
        case "st":
            let values = fields[2...].map { Int($0)! }
            #expect(session.smoothedRoundTripTime == values[0], "\(line): srtt")
            #expect(session.retransmissionTimeout == values[1], "\(line): rto")
            #expect(session.waitingToSend == values[2], "\(line): waitsnd")
            #expect(session.timeoutRetransmissions == values[3], "\(line): xmit")
            #expect(session.isDeadLink == (values[4] != 0), "\(line): dead link")
        default:
            Issue.record("\(line): unknown operation \(operation)")
        }
    }

    mutating func startOutputs(_ emitted: [ByteBuffer], line: String) {
        self.outputs = emitted
        self.matched = 0
        self.outputsLine = line
    }

    /// Every datagram of the last flush must have had its `>` line.
    mutating func finishOutputs(line: String) {
        if self.matched < self.outputs.count {
            Issue.record(
                "\(line): KCPSession emitted \(self.outputs.count) datagrams at \(self.outputsLine), the reference \(self.matched)"
            )
        }
        self.outputs = []
        self.matched = 0
    }

    /// Each emitted datagram is a whole number of well-formed segments of the conversation, and writing the decoded
    /// headers back gives the same bytes.
    static func checkDecodes(_ datagram: ByteBuffer, line: String) {
        var reader = datagram
        var rewritten = ByteBuffer()
        do {
            while reader.readableBytes > 0 {
                let header = try reader.readKCPSegmentHeader()
                #expect(header.conversation == kcpTestConversation, "\(line): conv")
                #expect(header.fragment == 0 || header.command == .push, "\(line): frg on a control segment")
                var payload = reader.readSlice(length: Int(header.length))!
                rewritten.writeKCPSegmentHeader(header)
                rewritten.writeBuffer(&payload)
            }
        } catch {
            Issue.record("\(line): an emitted datagram does not decode: \(error)")
        }
        #expect(rewritten == datagram, "\(line): re-encoded headers differ")
    }
}

extension KCPInputError {
    /// What `ikcp_input` returns for the same datagram.
    var referenceCode: Int {
        switch self {
        case .truncated, .wrongConversation: return -1
        case .lengthBeyondDatagram: return -2
        case .unknownCommand: return -3
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
