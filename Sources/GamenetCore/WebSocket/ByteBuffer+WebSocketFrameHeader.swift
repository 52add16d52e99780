import NIOCore
import NIOWebSocket

extension ByteBuffer {
    /// Writes the header of a WebSocket frame (RFC 6455 §5.2): FIN, RSV and opcode, then the payload length in the
    /// shortest of its three forms, then the masking key when there is one. The payload follows it on the wire.
    ///
    /// - Returns: the number of bytes written, 2 to 14.
    @discardableResult
    package mutating func writeWebSocketFrameHeader(
        fin: Bool = true,
        rsv1: Bool = false,
        rsv2: Bool = false,
        rsv3: Bool = false,
        opcode: WebSocketOpcode,
        payloadLength: Int,
        maskKey: WebSocketMaskingKey? = nil
    ) -> Int {
        var first: UInt8 = fin ? 0x80 : 0
        if rsv1 { first |= 0x40 }
        if rsv2 { first |= 0x20 }
        if rsv3 { first |= 0x10 }
        var written = self.writeInteger(first | UInt8(webSocketOpcode: opcode))
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        // §5.2: "the minimal number of bytes MUST be used to encode the length".
        switch payloadLength {
        case 0...125:
            written += self.writeInteger(maskBit | UInt8(payloadLength))
        case 126...Int(UInt16.max):
            written += self.writeInteger(maskBit | 126)
            written += self.writeInteger(UInt16(payloadLength))
        default:
            written += self.writeInteger(maskBit | 127)
            written += self.writeInteger(UInt64(payloadLength))
        }
        if let maskKey {
            written += self.writeBytes(maskKey)
        }
        return written
    }

    /// The size of a frame header for a payload of `payloadLength` bytes.
    package static func webSocketFrameHeaderSize(payloadLength: Int, masked: Bool = false) -> Int {
        let lengthSize: Int
        switch payloadLength {
        case 0...125: lengthSize = 0
        case 126...Int(UInt16.max): lengthSize = 2
        default: lengthSize = 8
        }
        return 2 + lengthSize + (masked ? 4 : 0)
    }
}
