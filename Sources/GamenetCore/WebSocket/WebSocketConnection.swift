import NIOCore
import NIOWebSocket

/// The rules of RFC 6455 for one WebSocket connection, after the handshake: what to do with each frame received, and
/// which frames to send. A pure state machine: frames and time come in, actions go out; ``WebSocketHandler`` carries
/// them out on a channel.
package struct WebSocketConnection {
    /// Which end of the connection this is; it decides the masking rules (§5.1, §5.3).
    package enum Role: Hashable, Sendable {
        case server
        case client
    }

    /// What to do after a frame arrives.
    package enum ReceiveAction: Equatable {
        /// Nothing to do yet (a fragment, a pong).
        case none
        /// Pass a whole message on.
        case deliver(WebSocketMessage)
        /// Send this frame (a pong).
        case reply(WebSocketFrame)
        /// Send this close frame and then close the TCP connection: the peer started the close, or broke a rule.
        case closeAfterSending(WebSocketFrame)
        /// The peer answered our close: close the TCP connection.
        case closeNow
    }

    /// What the timer says.
    package enum TickAction: Equatable {
        case none
        case sendPing(WebSocketFrame)
        /// The peer has been silent past the ping timeout, or never answered our close.
        case closeNow
    }

    private enum State: Hashable {
        case open
        /// We sent a close frame at this time and wait for the peer's.
        case closing(since: NIODeadline)
        case closed
    }

    package let role: Role
    package let configuration: WebSocketConfiguration
    private var state: State = .open
    /// A fragmented message being reassembled.
    private var fragments: ByteBuffer?
    private var fragmentsAreText = false
    private var utf8 = UTF8Validator()
    private var lastHeard: NIODeadline
    private var pingSent: NIODeadline?

    package init(role: Role, configuration: WebSocketConfiguration, now: NIODeadline) {
        self.role = role
        self.configuration = configuration
        self.lastHeard = now
    }

    /// Whether no close frame has been sent or received.
    package var isOpen: Bool { self.state == .open }

    // MARK: - Incoming

    /// Applies the rules to one frame from the peer; its payload comes unmasked (``WebSocketFrameReader``).
    package mutating func receive(_ frame: WebSocketInboundFrame, now: NIODeadline) -> ReceiveAction {
        self.lastHeard = now
        self.pingSent = nil
        if self.state == .closed {
            return .none
        }
        // §5.2: without a negotiated extension, the reserved bits must be 0.
        if frame.rsv1 || frame.rsv2 || frame.rsv3 {
            return self.fail(.protocolError, "reserved bits set")
        }
        // §5.1: a client masks every frame; a server masks none.
        switch (self.role, frame.isMasked) {
        case (.server, false):
            return self.fail(.protocolError, "unmasked frame from a client")
        case (.client, true):
            return self.fail(.protocolError, "masked frame from a server")
        case (.server, true), (.client, false):
            break
        }
        let data = frame.payload

        switch frame.opcode {
        case .text, .binary:
            guard self.fragments == nil else {
                return self.fail(.protocolError, "a new message began before the previous one ended")
            }
            let isText = frame.opcode == .text
            if frame.fin {
                if data.readableBytes > self.configuration.maximumMessageSize {
                    return self.fail(
                        .messageTooLarge,
                        "message larger than \(self.configuration.maximumMessageSize) bytes"
                    )
                }
                if isText {
                    var validator = UTF8Validator()
                    guard data.withUnsafeReadableBytes({ validator.validate($0) }), validator.isComplete else {
                        return self.fail(.dataInconsistentWithMessage, "invalid UTF-8 in a text message")
                    }
                }
                return self.state == .open ? .deliver(WebSocketMessage(isText: isText, data: data)) : .none
            }
            self.fragmentsAreText = isText
            self.utf8 = UTF8Validator()
            self.fragments = ByteBuffer()
            return self.appendFragment(data, fin: false)
        case .continuation:
            guard self.fragments != nil else {
                return self.fail(.protocolError, "a continuation frame with no message to continue")
            }
            return self.appendFragment(data, fin: frame.fin)
        case .ping:
            guard self.state == .open else { return .none }
            return .reply(self.makeFrame(opcode: .pong, data: data))
        case .pong:
            return .none
        case .connectionClose:
            return self.receiveClose(data)
        default:
            return self.fail(.protocolError, "reserved opcode \(frame.opcode)")
        }
    }

    private mutating func appendFragment(_ data: ByteBuffer, fin: Bool) -> ReceiveAction {
        var data = data
        let size = (self.fragments?.readableBytes ?? 0) + data.readableBytes
        guard size <= self.configuration.maximumMessageSize else {
            self.fragments = nil
            return self.fail(.messageTooLarge, "message larger than \(self.configuration.maximumMessageSize) bytes")
        }
        // §8.1: text is checked as each fragment arrives, so a bad byte fails the connection at once.
        if self.fragmentsAreText {
            guard data.withUnsafeReadableBytes({ self.utf8.validate($0) }) else {
                self.fragments = nil
                return self.fail(.dataInconsistentWithMessage, "invalid UTF-8 in a text message")
            }
        }
        self.fragments!.writeBuffer(&data)
        guard fin else { return .none }
        let message = WebSocketMessage(isText: self.fragmentsAreText, data: self.fragments!)
        self.fragments = nil
        if self.fragmentsAreText, !self.utf8.isComplete {
            return self.fail(.dataInconsistentWithMessage, "text message ends inside a UTF-8 sequence")
        }
        return self.state == .open ? .deliver(message) : .none
    }

    private mutating func receiveClose(_ data: ByteBuffer) -> ReceiveAction {
        var data = data
        var code: WebSocketErrorCode?
        if data.readableBytes == 1 {
            return self.fail(.protocolError, "close frame with a 1-byte body")
        }
        if data.readableBytes >= 2 {
            let raw = data.readInteger(as: UInt16.self)!
            guard Self.isValidCloseCode(raw) else {
                return self.fail(.protocolError, "invalid close code \(raw)")
            }
            code = WebSocketErrorCode(codeNumber: Int(raw))
            var validator = UTF8Validator()
            guard data.withUnsafeReadableBytes({ validator.validate($0) }), validator.isComplete else {
                return self.fail(.dataInconsistentWithMessage, "invalid UTF-8 in a close reason")
            }
        }
        switch self.state {
        case .closing:
            self.state = .closed
            return .closeNow
        case .open:
            self.state = .closed
            // §5.5.1: the answer typically echoes the status code received.
            return .closeAfterSending(self.makeCloseFrame(code: code, reason: ""))
        case .closed:
            return .none
        }
    }

    /// §7.4: codes a peer may send. 1004-1006 and 1015 are reserved for reporting and never sent.
    static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: return true
        default: return false
        }
    }

    private mutating func fail(_ code: WebSocketErrorCode, _ reason: String) -> ReceiveAction {
        switch self.state {
        case .open:
            self.state = .closed
            return .closeAfterSending(self.makeCloseFrame(code: code, reason: reason))
        case .closing, .closed:
            // §5.5.1, §7.1.7: our close frame is already sent, and an endpoint sends only one; failing the
            // connection now means closing TCP.
            self.state = .closed
            return .closeNow
        }
    }

    // MARK: - Outgoing

    /// The frame that carries `message`; `maskKey` must be given by a client and only by a client.
    package func frame(for message: WebSocketMessage, maskKey: WebSocketMaskingKey?) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: message.isText ? .text : .binary, maskKey: maskKey, data: message.data)
    }

    /// Starts the close handshake with `code`; returns the close frame to send, or `nil` if closing already began.
    package mutating func close(
        code: WebSocketErrorCode = .normalClosure,
        reason: String = "",
        now: NIODeadline
    )
        -> WebSocketFrame?
    {
        guard self.state == .open else { return nil }
        self.state = .closing(since: now)
        return self.makeCloseFrame(code: code, reason: reason)
    }

    /// Checks the timers: sends a ping when the peer has been quiet for the ping interval, and gives up on a peer
    /// silent past the ping timeout or one that never answers a close.
    package mutating func tick(now: NIODeadline) -> TickAction {
        switch self.state {
        case .closed:
            return .none
        case .closing(let since):
            if now - since >= self.configuration.closeTimeout {
                self.state = .closed
                return .closeNow
            }
            return .none
        case .open:
            guard let interval = self.configuration.pingInterval else { return .none }
            if let pingSent = self.pingSent {
                if now - pingSent >= self.configuration.pingTimeout {
                    self.state = .closed
                    return .closeNow
                }
                return .none
            }
            if now - self.lastHeard >= interval {
                self.pingSent = now
                var payload = ByteBuffer()
                payload.writeInteger(UInt64(truncatingIfNeeded: now.uptimeNanoseconds))
                return .sendPing(self.makeFrame(opcode: .ping, data: payload))
            }
            return .none
        }
    }

    /// When ``tick(now:)`` next has something to check, if ever.
    package func nextTick() -> NIODeadline? {
        switch self.state {
        case .closed:
            return nil
        case .closing(let since):
            return since + self.configuration.closeTimeout
        case .open:
            guard let interval = self.configuration.pingInterval else { return nil }
            if let pingSent = self.pingSent {
                return pingSent + self.configuration.pingTimeout
            }
            return self.lastHeard + interval
        }
    }

    private func makeFrame(opcode: WebSocketOpcode, data: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, data: data)
    }

    private func makeCloseFrame(code: WebSocketErrorCode?, reason: String) -> WebSocketFrame {
        var data = ByteBuffer()
        if let code {
            data.write(webSocketErrorCode: code)
            // §5.5: a control frame's body is at most 125 bytes; the reason is cut on a character boundary.
            var reasonBytes = Array(reason.utf8.prefix(123))
            while String(validating: reasonBytes, as: UTF8.self) == nil, !reasonBytes.isEmpty {
                reasonBytes.removeLast()
            }
            data.writeBytes(reasonBytes)
        }
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }
}
