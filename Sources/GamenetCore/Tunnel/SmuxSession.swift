import NIOCore

/// A stream multiplexer over one reliable byte stream, wire-compatible with xtaci/smux versions 1 and 2, as a pure
/// state machine: bytes from the peer go in through ``input(_:now:into:)`` and come out as ``Event``s; data to send
/// is queued per stream and taken out as frames by ``pollOutput(maxBytes:into:)``, so the caller decides how much
/// the transport below may hold. Time comes in as `now`.
///
/// - Streams: the client opens odd ids from 3, the server even ids from 2, as smux's `nextStreamID` does.
/// - Half-close: ``finish(streamID:)`` sends FIN after the stream's queued data; a FIN from the peer is
///   ``Event/endOfInput(_:)``. A stream ends when both FINs passed, or at once on ``close(streamID:)``.
/// - Version 2 flow control (smux `stream.go`): a stream may have at most the peer's window of bytes written and
///   not yet consumed, starting at 256 KiB; the receiver reports its cumulative consumed count and its window in a
///   UPD frame on its first read and whenever half its window was consumed since the last report.
/// - Keepalive: a NOP on stream 0 every interval; the session fails when no frame arrived for the timeout.
package struct SmuxSession: Sendable {
    /// What the peer did.
    package enum Event: Hashable, Sendable {
        /// The peer opened a stream (SYN).
        case streamOpened(UInt32)
        /// Data on a stream.
        case data(UInt32, ByteBuffer)
        /// The peer will send no more on the stream (FIN).
        case endOfInput(UInt32)
    }

    private struct Stream: Sendable {
        /// Data queued and not yet framed.
        var pending = CircularBuffer<ByteBuffer>()
        var pendingBytes = 0
        /// The owner asked for a FIN after the pending data.
        var finishRequested = false
        var finSent = false
        var finReceived = false
        /// Version 2, sending: payload bytes framed so far, and the peer's last consumed count and window.
        var written: UInt32 = 0
        var peerConsumed: UInt32 = 0
        var peerWindow: UInt32 = SmuxConfiguration.initialPeerWindow
        /// Version 2, receiving: bytes the owner consumed so far, and since the last UPD.
        var consumed: UInt32 = 0
        var consumedSinceUpdate = 0
        var hasConsumed = false

        /// Bytes this stream may frame now under the peer's window (version 2).
        var sendAllowance: Int {
            let inFlight = Int32(bitPattern: self.written &- self.peerConsumed)
            return max(0, Int(self.peerWindow) - Int(inFlight))
        }
    }

    package let configuration: SmuxConfiguration
    package let isClient: Bool
    private var streams: [UInt32: Stream] = [:]
    private var nextStreamID: UInt32
    /// Frames with no data to wait for (SYN, FIN, UPD, NOP), sent before any data.
    private var control = ByteBuffer()
    /// Streams with pending data or a FIN to send, served in turn.
    private var ready: [UInt32] = []
    private var readyIndex = 0
    /// Bytes of an incomplete frame from the peer.
    private var inbound = ByteBuffer()
    private var lastHeard: NIODeadline
    private var nextKeepAlive: NIODeadline
    /// Frames received, for statistics.
    package private(set) var framesReceived = 0
    /// Frames of unknown streams dropped, as smux drops them.
    package private(set) var framesDropped = 0

    /// - Parameters:
    ///   - configuration: version, frame size, window and keepalive.
    ///   - isClient: whether this end opens odd stream ids.
    ///   - now: the session's start, for the keepalive.
    package init(configuration: SmuxConfiguration, isClient: Bool, now: NIODeadline) {
        self.configuration = configuration
        self.isClient = isClient
        self.nextStreamID = isClient ? 1 : 0
        self.lastHeard = now
        self.nextKeepAlive = now + configuration.keepAliveInterval
    }

    /// Streams open now.
    package var streamCount: Int { self.streams.count }

    /// Whether there is something for ``pollOutput(maxBytes:into:)`` to frame.
    package var hasOutput: Bool {
        self.control.readableBytes > 0 || self.ready.contains { self.canFrame($0) }
    }

    /// Data queued on a stream and not yet framed.
    package func pendingBytes(streamID: UInt32) -> Int {
        self.streams[streamID]?.pendingBytes ?? 0
    }

    /// Whether the stream exists.
    package func isOpen(streamID: UInt32) -> Bool {
        self.streams[streamID] != nil
    }

    // MARK: - Outgoing

    /// Opens a stream: queues its SYN and returns its id.
    package mutating func openStream() -> UInt32 {
        // smux: nextStreamID += 2 before use, from 1 (client) or 0 (server).
        self.nextStreamID &+= 2
        let id = self.nextStreamID
        self.streams[id] = Stream()
        self.writeControl(.syn, streamID: id)
        return id
    }

    /// Queues data on a stream; ignored if the stream is gone or already finished.
    package mutating func send(_ data: ByteBuffer, streamID: UInt32) {
        guard data.readableBytes > 0, var stream = self.streams[streamID], !stream.finishRequested else { return }
        stream.pending.append(data)
        stream.pendingBytes += data.readableBytes
        self.streams[streamID] = stream
        self.markReady(streamID)
    }

    /// Sends FIN on a stream once its queued data is framed.
    package mutating func finish(streamID: UInt32) {
        guard var stream = self.streams[streamID], !stream.finishRequested else { return }
        stream.finishRequested = true
        self.streams[streamID] = stream
        self.markReady(streamID)
    }

    /// Ends a stream at once: drops its queued data, sends FIN if not yet sent, and forgets it.
    package mutating func close(streamID: UInt32) {
        guard let stream = self.streams.removeValue(forKey: streamID) else { return }
        if !stream.finSent {
            self.writeControl(.fin, streamID: streamID)
        }
    }

    /// Tells the session the owner consumed `count` bytes of a stream's data (version 2: may queue a UPD).
    package mutating func consumed(_ count: Int, streamID: UInt32) {
        guard self.configuration.version >= 2, count > 0, var stream = self.streams[streamID] else { return }
        stream.consumed &+= UInt32(truncatingIfNeeded: count)
        stream.consumedSinceUpdate += count
        // smux stream.go: update on the first read, then after half the window.
        if !stream.hasConsumed || stream.consumedSinceUpdate >= self.configuration.maxStreamBuffer / 2 {
            stream.hasConsumed = true
            stream.consumedSinceUpdate = 0
            self.control.writeSmuxFrameHeader(
                SmuxFrame(
                    version: self.configuration.version,
                    command: .upd,
                    length: UInt16(SmuxFrame.updateSize),
                    streamID: streamID
                )
            )
            self.control.writeInteger(stream.consumed, endianness: .little)
            self.control.writeInteger(UInt32(self.configuration.maxStreamBuffer), endianness: .little)
        }
        self.streams[streamID] = stream
    }

    /// Appends frames to `output`, control frames first, then data from the ready streams in turn, until `maxBytes`
    /// were written (a frame is not split across calls, so one frame may pass the limit). Returns the bytes written.
    @discardableResult
    package mutating func pollOutput(maxBytes: Int, into output: inout ByteBuffer) -> Int {
        var written = 0
        if self.control.readableBytes > 0 {
            written += output.writeBuffer(&self.control)
            self.control.clear()
        }
        while written < maxBytes, !self.ready.isEmpty {
            var progressed = false
            var index = 0
            while index < self.ready.count, written < maxBytes {
                let id = self.ready[index]
                let (bytes, keep) = self.frameOne(streamID: id, maxBytes: maxBytes - written, into: &output)
                written += bytes
                if bytes > 0 { progressed = true }
                if keep {
                    index += 1
                } else {
                    self.ready.remove(at: index)
                }
            }
            if !progressed { break }
        }
        return written
    }

    // MARK: - Incoming

    /// Takes bytes of the peer's stream, in order, and appends what they carry to `events`.
    package mutating func input(_ bytes: ByteBuffer, now: NIODeadline, into events: inout [Event]) throws(SmuxError) {
        var buffer: ByteBuffer
        if self.inbound.readableBytes == 0 {
            buffer = bytes
        } else {
            var bytes = bytes
            self.inbound.writeBuffer(&bytes)
            buffer = self.inbound
            self.inbound = ByteBuffer()
        }
        while true {
            let start = buffer.readerIndex
            guard let header = try buffer.readSmuxFrameHeader() else { break }
            let length = Int(header.length)
            guard buffer.readableBytes >= length else {
                buffer.moveReaderIndex(to: start)
                break
            }
            guard header.version == self.configuration.version else {
                throw .versionMismatch(expected: self.configuration.version, received: header.version)
            }
            self.lastHeard = now
            self.framesReceived += 1
            let payload = buffer.readSlice(length: length)!
            try self.handle(header, payload: payload, into: &events)
        }
        if buffer.readableBytes > 0 {
            // Keep only the incomplete frame, not the storage of everything delivered before it.
            var rest = ByteBuffer()
            rest.writeImmutableBuffer(buffer)
            self.inbound = rest
        }
    }

    private mutating func handle(_ header: SmuxFrame, payload: ByteBuffer, into events: inout [Event]) throws(SmuxError)
    {
        let id = header.streamID
        switch header.command {
        case .nop:
            break
        case .syn:
            // smux ignores a SYN for a stream it has.
            guard self.streams[id] == nil else { return }
            self.streams[id] = Stream()
            events.append(.streamOpened(id))
        case .fin:
            guard var stream = self.streams[id], !stream.finReceived else { return }
            stream.finReceived = true
            self.streams[id] = stream
            events.append(.endOfInput(id))
            self.removeIfDone(id)
        case .psh:
            guard let stream = self.streams[id], !stream.finReceived else {
                self.framesDropped += 1
                return
            }
            if payload.readableBytes > 0 {
                events.append(.data(id, payload))
            }
        case .upd:
            guard self.configuration.version >= 2, payload.readableBytes == SmuxFrame.updateSize else {
                throw .malformedUpdate(length: payload.readableBytes)
            }
            guard var stream = self.streams[id] else { return }
            stream.peerConsumed = payload.getInteger(at: payload.readerIndex, endianness: .little)!
            stream.peerWindow = payload.getInteger(at: payload.readerIndex + 4, endianness: .little)!
            self.streams[id] = stream
            if stream.pendingBytes > 0 { self.markReady(id) }
        }
    }

    // MARK: - Time

    /// When ``tick(now:)`` must next run.
    package var nextDeadline: NIODeadline {
        min(self.nextKeepAlive, self.lastHeard + self.configuration.keepAliveTimeout)
    }

    /// Queues a NOP when the keepalive interval passed; throws when the peer was silent for the timeout.
    package mutating func tick(now: NIODeadline) throws(SmuxError) {
        if now - self.lastHeard >= self.configuration.keepAliveTimeout {
            throw .keepaliveTimeout(milliseconds: self.configuration.keepAliveTimeout.nanoseconds / 1_000_000)
        }
        if now >= self.nextKeepAlive {
            self.writeControl(.nop, streamID: 0)
            self.nextKeepAlive = now + self.configuration.keepAliveInterval
        }
    }

    // MARK: - Internals

    private mutating func writeControl(_ command: SmuxFrame.Command, streamID: UInt32) {
        self.control.writeSmuxFrameHeader(
            SmuxFrame(version: self.configuration.version, command: command, streamID: streamID)
        )
    }

    private mutating func markReady(_ id: UInt32) {
        if !self.ready.contains(id) { self.ready.append(id) }
    }

    private func canFrame(_ id: UInt32) -> Bool {
        guard let stream = self.streams[id] else { return false }
        if stream.pendingBytes == 0 { return stream.finishRequested && !stream.finSent }
        return self.configuration.version < 2 || stream.sendAllowance > 0
    }

    /// Frames one PSH (or the FIN) of a stream; returns the bytes written and whether the stream stays ready.
    private mutating func frameOne(streamID id: UInt32, maxBytes: Int, into output: inout ByteBuffer) -> (Int, Bool) {
        guard var stream = self.streams[id] else { return (0, false) }
        if stream.pendingBytes == 0 {
            guard stream.finishRequested, !stream.finSent else { return (0, false) }
            stream.finSent = true
            self.streams[id] = stream
            self.writeControlTo(&output, .fin, streamID: id)
            self.removeIfDone(id)
            return (SmuxFrame.headerSize, false)
        }
        var size = min(self.configuration.maxFrameSize, stream.pendingBytes, max(maxBytes - SmuxFrame.headerSize, 1))
        if self.configuration.version >= 2 {
            size = min(size, stream.sendAllowance)
            guard size > 0 else { return (0, false) }  // re-marked ready by the next UPD
        }
        output.writeSmuxFrameHeader(
            SmuxFrame(version: self.configuration.version, command: .psh, length: UInt16(size), streamID: id)
        )
        var remaining = size
        while remaining > 0 {
            var first = stream.pending.removeFirst()
            if first.readableBytes <= remaining {
                remaining -= first.readableBytes
                output.writeBuffer(&first)
            } else {
                var part = first.readSlice(length: remaining)!
                output.writeBuffer(&part)
                remaining = 0
                stream.pending.prepend(first)
            }
        }
        stream.pendingBytes -= size
        stream.written &+= UInt32(size)
        self.streams[id] = stream
        return (SmuxFrame.headerSize + size, stream.pendingBytes > 0 || (stream.finishRequested && !stream.finSent))
    }

    private func writeControlTo(_ output: inout ByteBuffer, _ command: SmuxFrame.Command, streamID: UInt32) {
        output.writeSmuxFrameHeader(
            SmuxFrame(version: self.configuration.version, command: command, streamID: streamID)
        )
    }

    /// Forgets a stream once both FINs passed.
    private mutating func removeIfDone(_ id: UInt32) {
        guard let stream = self.streams[id], stream.finSent, stream.finReceived else { return }
        self.streams[id] = nil
    }
}
