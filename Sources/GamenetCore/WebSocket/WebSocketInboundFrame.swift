import NIOCore
import NIOWebSocket

/// A frame as ``WebSocketFrameReader`` hands it up: the header's fields and the payload, already unmasked.
///
/// NIO's `WebSocketFrame` keeps the payload as it was on the wire, masked, with the key beside it; this one records
/// only whether the frame came masked, since §5.1 says who must mask, and the payload is the application's bytes.
package struct WebSocketInboundFrame: Hashable {
    package var fin: Bool
    package var rsv1: Bool
    package var rsv2: Bool
    package var rsv3: Bool
    package var opcode: WebSocketOpcode
    /// Whether the frame carried a masking key (§5.2, the MASK bit).
    package var isMasked: Bool
    /// The payload, unmasked.
    package var payload: ByteBuffer

    package init(
        fin: Bool,
        rsv1: Bool = false,
        rsv2: Bool = false,
        rsv3: Bool = false,
        opcode: WebSocketOpcode,
        isMasked: Bool,
        payload: ByteBuffer
    ) {
        self.fin = fin
        self.rsv1 = rsv1
        self.rsv2 = rsv2
        self.rsv3 = rsv3
        self.opcode = opcode
        self.isMasked = isMasked
        self.payload = payload
    }
}
