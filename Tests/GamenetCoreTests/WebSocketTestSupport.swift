import GamenetCore
import NIOCore
import NIOWebSocket

/// Frames as ``WebSocketFrameReader`` hands them over, and ways to read the frames gamenet sends.
enum WSFrames {
    /// The masking key of the frames a "client" sends in these tests.
    static let key = WebSocketMaskingKey([0x37, 0xFA, 0x21, 0x3D])!

    /// A frame with `bytes` as its payload (unmasked, as the reader hands it up); `masked` frames arrived masked.
    static func frame(
        _ opcode: WebSocketOpcode,
        _ bytes: [UInt8],
        fin: Bool = true,
        masked: Bool = true,
        rsv1: Bool = false,
        rsv2: Bool = false,
        rsv3: Bool = false
    ) -> WebSocketInboundFrame {
        WebSocketInboundFrame(
            fin: fin,
            rsv1: rsv1,
            rsv2: rsv2,
            rsv3: rsv3,
            opcode: opcode,
            isMasked: masked,
            payload: ByteBuffer(bytes: bytes)
        )
    }

    static func text(_ string: String, fin: Bool = true, masked: Bool = true) -> WebSocketInboundFrame {
        Self.frame(.text, Array(string.utf8), fin: fin, masked: masked)
    }

    /// A close frame with `code` (any 16-bit number, valid or not) and `reason` bytes.
    static func close(code: UInt16?, reason: [UInt8] = [], masked: Bool = true) -> WebSocketInboundFrame {
        var body: [UInt8] = []
        if let code {
            body = [UInt8(code >> 8), UInt8(code & 0xFF)]
        }
        return Self.frame(.connectionClose, body + reason, masked: masked)
    }

    /// The status code in a close frame's body, or `nil` for an empty body.
    static func closeCode(_ frame: WebSocketFrame) -> UInt16? {
        frame.unmaskedData.getInteger(at: frame.unmaskedData.readerIndex, as: UInt16.self)
    }

    /// The reason text in a close frame's body.
    static func closeReason(_ frame: WebSocketFrame) -> [UInt8] {
        Array(frame.unmaskedData.readableBytesView.dropFirst(2))
    }
}

extension WebSocketConnection.ReceiveAction {
    /// The close frame of a `.closeAfterSending`, or `nil` for any other action.
    var closeFrame: WebSocketFrame? {
        if case .closeAfterSending(let frame) = self, frame.opcode == .connectionClose {
            return frame
        }
        return nil
    }

    /// The status code of the close frame a `.closeAfterSending` sends.
    var sentCloseCode: UInt16? {
        self.closeFrame.flatMap(WSFrames.closeCode)
    }

    /// The message of a `.deliver`.
    var message: WebSocketMessage? {
        if case .deliver(let message) = self {
            return message
        }
        return nil
    }
}
