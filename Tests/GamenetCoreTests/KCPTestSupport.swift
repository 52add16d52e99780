import GamenetCore
import NIOCore
import Testing

/// The conversation id of the KCP tests, as in the golden vectors.
let kcpTestConversation: UInt32 = 0x1122_3344

/// A hand-made segment: a header and its payload.
struct KCPTestSegment {
    var header: KCPSegmentHeader
    var payload: [UInt8]

    static func push(
        sn: UInt32,
        ts: UInt32 = 0,
        una: UInt32 = 0,
        wnd: UInt16 = 128,
        frg: UInt8 = 0,
        _ payload: [UInt8]
    ) -> Self {
        Self(header: .init(kcp: .push, sn: sn, ts: ts, una: una, wnd: wnd, frg: frg), payload: payload)
    }

    static func ack(sn: UInt32, ts: UInt32 = 0, una: UInt32 = 0, wnd: UInt16 = 128) -> Self {
        Self(header: .init(kcp: .ack, sn: sn, ts: ts, una: una, wnd: wnd), payload: [])
    }

    static func windowAsk(una: UInt32 = 0, wnd: UInt16 = 128) -> Self {
        Self(header: .init(kcp: .windowAsk, una: una, wnd: wnd), payload: [])
    }

    static func windowTell(una: UInt32 = 0, wnd: UInt16) -> Self {
        Self(header: .init(kcp: .windowTell, una: una, wnd: wnd), payload: [])
    }
}

extension KCPSegmentHeader {
    init(
        kcp command: Command,
        sn: UInt32 = 0,
        ts: UInt32 = 0,
        una: UInt32 = 0,
        wnd: UInt16 = 128,
        frg: UInt8 = 0,
        conversation: UInt32 = kcpTestConversation
    ) {
        self.init(
            conversation: conversation,
            command: command,
            fragment: frg,
            window: wnd,
            timestamp: ts,
            sequenceNumber: sn,
            unacknowledged: una,
            length: 0
        )
    }
}

/// One datagram holding `segments`, each header's length set to its payload's.
func kcpDatagram(_ segments: KCPTestSegment...) -> ByteBuffer {
    kcpDatagram(segments)
}

func kcpDatagram(_ segments: [KCPTestSegment]) -> ByteBuffer {
    var buffer = ByteBuffer()
    for segment in segments {
        var header = segment.header
        header.length = UInt32(segment.payload.count)
        buffer.writeKCPSegmentHeader(header)
        buffer.writeBytes(segment.payload)
    }
    return buffer
}

/// A segment read back from a datagram.
struct KCPDecodedSegment {
    var header: KCPSegmentHeader
    var payload: ByteBuffer

    var command: KCPSegmentHeader.Command { self.header.command }
    var sn: UInt32 { self.header.sequenceNumber }
    var ts: UInt32 { self.header.timestamp }
}

/// The segments of `datagrams`, in order; records an issue for a datagram that does not decode.
func kcpDecode(_ datagrams: [ByteBuffer], sourceLocation: SourceLocation = #_sourceLocation) -> [KCPDecodedSegment] {
    var segments: [KCPDecodedSegment] = []
    for datagram in datagrams {
        var reader = datagram
        while reader.readableBytes > 0 {
            do {
                let header = try reader.readKCPSegmentHeader()
                segments.append(
                    KCPDecodedSegment(header: header, payload: reader.readSlice(length: Int(header.length))!)
                )
            } catch {
                Issue.record("an emitted datagram does not decode: \(error)", sourceLocation: sourceLocation)
                break
            }
        }
    }
    return segments
}

extension KCPSession {
    /// `update(now:)`, returning what it sends.
    mutating func kcpUpdate(_ now: UInt32) -> [ByteBuffer] {
        var datagrams: [ByteBuffer] = []
        self.update(now: now) { datagrams.append($0) }
        return datagrams
    }

    /// `flush()`, returning what it sends.
    mutating func kcpFlush() -> [ByteBuffer] {
        var datagrams: [ByteBuffer] = []
        self.flush { datagrams.append($0) }
        return datagrams
    }

    /// `update(now:)` then `flush()` (as ikcp_update then ikcp_flush): whatever is due at `now` goes out, whether or
    /// not a flush interval has passed, so retransmission times can be observed to the millisecond.
    mutating func kcpUpdateAndFlush(_ now: UInt32) -> [ByteBuffer] {
        self.kcpUpdate(now) + self.kcpFlush()
    }

    /// Takes every whole message waiting.
    mutating func kcpReceiveAll() -> [ByteBuffer] {
        var messages: [ByteBuffer] = []
        while let message = self.receive() { messages.append(message) }
        return messages
    }
}

/// A configuration from ikcp_nodelay's four arguments, with the other knobs at the reference's defaults.
func kcpConfiguration(nodelay: Int, interval: Int, resend: Int = 0, noCongestionWindow: Bool = true) -> KCPConfiguration
{
    var configuration = KCPConfiguration()
    configuration.setNodelay(nodelay, interval: interval, resend: resend, noCongestionWindow: noCongestionWindow)
    return configuration
}

/// The payload bytes of the golden scenarios: byte i is `i*7 + seed*13 + i>>8` (gen.py's `pattern`).
func kcpPattern(_ length: Int, seed: Int) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.reserveCapacity(length)
    for index in 0..<length {
        buffer.writeInteger(UInt8(truncatingIfNeeded: index &* 7 &+ seed &* 13 &+ (index >> 8)))
    }
    return buffer
}

/// FNV-1a, 64 bits, of the readable bytes.
func kcpFNV1a64(_ buffer: ByteBuffer) -> UInt64 {
    buffer.readableBytesView.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
}

struct KCPHexError: Error {}

/// The bytes of a lower-case hex string.
func kcpHex<S: StringProtocol>(_ text: S) throws -> [UInt8] {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { throw KCPHexError() }
    func value(_ digit: UInt8) throws -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: throw KCPHexError()
        }
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
        bytes.append(try value(digits[index]) << 4 | value(digits[index + 1]))
        index += 2
    }
    return bytes
}
