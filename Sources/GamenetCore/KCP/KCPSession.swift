import NIOCore

/// One KCP conversation: the reliable, ordered protocol of skywind3000's ikcp.c, as a pure state machine.
///
/// Time is the caller's, in milliseconds on a 32-bit wrapping clock, as the reference takes it: `update(now:)` and
/// `check(now:)` mirror `ikcp_update` and `ikcp_check`, `send`/`receive` mirror `ikcp_send`/`ikcp_recv`, and
/// `input` mirrors `ikcp_input`. Datagrams to transmit are handed to an `output` closure during a flush. The logic
/// follows ikcp.c step by step (RTO estimation, back-off per nodelay mode, selective and fast retransmission,
/// congestion window, window probing), so a gamenet endpoint and a reference one behave alike on the wire.
package struct KCPSession {
    private struct Segment {
        var fragment: UInt8 = 0
        var window: UInt16 = 0
        var timestamp: UInt32 = 0
        var sequenceNumber: UInt32 = 0
        var unacknowledged: UInt32 = 0
        var resendAt: UInt32 = 0
        var rto: UInt32 = 0
        var fastAcknowledgements: Int = 0
        var transmissions: Int = 0
        var data: ByteBuffer
    }

    // ikcp.c constants.
    private static let rtoNoDelayMinimum: UInt32 = 30
    private static let rtoMinimum: UInt32 = 100
    private static let rtoDefault: UInt32 = 200
    private static let rtoMaximum: UInt32 = 60_000
    private static let probeInitial: UInt32 = 7_000
    private static let probeLimit: UInt32 = 120_000
    private static let thresholdInitial: UInt32 = 2
    private static let thresholdMinimum: UInt32 = 2
    private static let receiveWindowMinimum = 128

    package let conversation: UInt32
    package private(set) var configuration: KCPConfiguration

    private var sendUnacknowledged: UInt32 = 0
    private var sendNext: UInt32 = 0
    private var receiveNext: UInt32 = 0
    private var remoteWindow: UInt32
    private var congestionWindow: UInt32 = 0
    private var increment: UInt32 = 0
    private var slowStartThreshold = KCPSession.thresholdInitial
    private var smoothedRTT: Int32 = 0
    private var rttVariation: Int32 = 0
    private var rto = KCPSession.rtoDefault
    private var minimumRTO: UInt32
    private var current: UInt32 = 0
    private var flushAt: UInt32
    private var hasUpdated = false
    private var probeWait: UInt32 = 0
    private var probeAt: UInt32 = 0
    private var askToSendProbe = false
    private var askToTellWindow = false

    private var sendQueue = CircularBuffer<Segment>()
    private var sendBuffer = CircularBuffer<Segment>()
    private var receiveBuffer = CircularBuffer<Segment>()
    private var receiveQueue = CircularBuffer<Segment>()
    /// (sn, ts) of data segments to acknowledge at the next flush.
    private var acknowledgements: [(sequenceNumber: UInt32, timestamp: UInt32)] = []

    /// Whether a segment has been sent `deadLink` times without an acknowledgement (ikcp.c's `state = -1`).
    package private(set) var isDeadLink = false
    /// Retransmissions after a timeout, over the life of the session.
    package private(set) var timeoutRetransmissions = 0
    /// Acknowledgements dropped because the list reached its bound before a flush.
    package private(set) var droppedAcknowledgements = 0

    package init(conversation: UInt32, configuration: KCPConfiguration) {
        self.conversation = conversation
        var configuration = configuration
        configuration.receiveWindow = max(configuration.receiveWindow, Self.receiveWindowMinimum)
        configuration.interval = min(max(configuration.interval, 10), 5000)
        self.configuration = configuration
        self.remoteWindow = UInt32(Self.receiveWindowMinimum)
        self.minimumRTO = configuration.nodelay != 0 ? Self.rtoNoDelayMinimum : Self.rtoMinimum
        self.flushAt = configuration.interval
        self.acknowledgements.reserveCapacity(64)
    }

    /// Segments waiting to be sent or acknowledged (`ikcp_waitsnd`).
    package var waitingToSend: Int { self.sendQueue.count + self.sendBuffer.count }

    /// Bytes of payload waiting to be sent or acknowledged: what a peer that does not keep up makes the sender hold.
    /// Counted on demand (a walk over the two queues), for an owner that bounds them now and then, not per segment.
    package var waitingBytes: Int {
        var total = 0
        for segment in self.sendQueue { total += segment.data.readableBytes }
        for segment in self.sendBuffer { total += segment.data.readableBytes }
        return total
    }

    /// Whether every segment sent has been acknowledged.
    package var isIdle: Bool { self.sendQueue.isEmpty && self.sendBuffer.isEmpty }

    /// The smoothed round-trip time in ms, 0 before the first sample.
    package var smoothedRoundTripTime: Int { Int(self.smoothedRTT) }

    /// The current retransmission timeout in ms.
    package var retransmissionTimeout: Int { Int(self.rto) }

    private static func difference(_ later: UInt32, _ earlier: UInt32) -> Int32 {
        Int32(bitPattern: later &- earlier)
    }

    // MARK: - Sending

    /// The error of `send` for a message that needs more fragments than a receiver can hold.
    package enum SendError: Error, Hashable, Sendable {
        case messageTooLarge(bytes: Int, limit: Int)
    }

    /// The largest message `send` accepts in message mode: 127 fragments of one MSS.
    package var largestMessage: Int { (Self.receiveWindowMinimum - 1) * self.configuration.mss }

    /// Queues a message (or, in stream mode, bytes) for sending (`ikcp_send`).
    package mutating func send(_ message: ByteBuffer) throws(SendError) {
        var message = message
        let mss = self.configuration.mss
        if self.configuration.isStream, !self.sendQueue.isEmpty {
            // Top up the last queued segment before starting a new one.
            let last = self.sendQueue.index(before: self.sendQueue.endIndex)
            let room = mss - self.sendQueue[last].data.readableBytes
            if room > 0 {
                var extra = message.readSlice(length: min(room, message.readableBytes))!
                self.sendQueue[last].data.writeBuffer(&extra)
            }
            if message.readableBytes == 0 { return }
        }
        let length = message.readableBytes
        let count = length <= mss ? 1 : (length + mss - 1) / mss
        guard count < Self.receiveWindowMinimum else {
            throw .messageTooLarge(bytes: length, limit: self.largestMessage)
        }
        for index in 0..<count {
            let size = min(mss, message.readableBytes)
            let fragment = self.configuration.isStream ? 0 : UInt8(count - index - 1)
            self.sendQueue.append(Segment(fragment: fragment, data: message.readSlice(length: size)!))
        }
    }

    /// Queues one empty segment, which the peer's `receive` returns as an empty message: gamenet's end-of-stream
    /// marker. In message mode this is what `send` of no bytes queues; in stream mode `send`, as `ikcp_send`, would
    /// merge it into a queued segment, or drop it, and the marker would be lost.
    package mutating func sendEmptySegment() {
        self.sendQueue.append(Segment(fragment: 0, data: ByteBuffer()))
    }

    // MARK: - Receiving

    /// The size of the next whole message, or `nil` if none is complete (`ikcp_peeksize`).
    package var nextMessageSize: Int? {
        guard let first = self.receiveQueue.first else { return nil }
        if first.fragment == 0 { return first.data.readableBytes }
        guard self.receiveQueue.count >= Int(first.fragment) + 1 else { return nil }
        var length = 0
        for segment in self.receiveQueue {
            length += segment.data.readableBytes
            if segment.fragment == 0 { break }
        }
        return length
    }

    /// Takes the next whole message (`ikcp_recv`).
    package mutating func receive() -> ByteBuffer? {
        guard let size = self.nextMessageSize else { return nil }
        let recover = self.receiveQueue.count >= self.configuration.receiveWindow
        var message: ByteBuffer
        let first = self.receiveQueue.removeFirst()
        if first.fragment == 0 {
            message = first.data
        } else {
            message = ByteBuffer()
            message.reserveCapacity(size)
            var data = first.data
            message.writeBuffer(&data)
            while !self.receiveQueue.isEmpty {
                var segment = self.receiveQueue.removeFirst()
                message.writeBuffer(&segment.data)
                if segment.fragment == 0 { break }
            }
        }
        self.moveReceivedInOrder()
        if self.receiveQueue.count < self.configuration.receiveWindow, recover {
            // The window had been full: tell the peer it opened again.
            self.askToTellWindow = true
        }
        return message
    }

    private mutating func moveReceivedInOrder() {
        while let first = self.receiveBuffer.first, first.sequenceNumber == self.receiveNext,
            self.receiveQueue.count < self.configuration.receiveWindow
        {
            self.receiveQueue.append(self.receiveBuffer.removeFirst())
            self.receiveNext &+= 1
        }
    }

    // MARK: - Input

    /// Takes a datagram from the peer (`ikcp_input`); segments before a bad one are kept, as in the reference.
    package mutating func input(_ datagram: ByteBuffer) throws(KCPInputError) {
        var datagram = datagram
        let previousUnacknowledged = self.sendUnacknowledged
        var maximumAck: UInt32 = 0
        var latestTimestamp: UInt32 = 0
        var sawAck = false
        guard datagram.readableBytes >= KCPSegmentHeader.size else { throw .truncated }
        while datagram.readableBytes >= KCPSegmentHeader.size {
            if let conversation = datagram.peekKCPConversation(), conversation != self.conversation {
                throw .wrongConversation(conversation)
            }
            let header = try datagram.readKCPSegmentHeader()
            let payload = datagram.readSlice(length: Int(header.length))!
            self.remoteWindow = UInt32(header.window)
            self.parseUnacknowledged(header.unacknowledged)
            self.shrinkSendBuffer()
            switch header.command {
            case .ack:
                let rtt = Self.difference(self.current, header.timestamp)
                if rtt >= 0 {
                    self.updateRTT(rtt)
                }
                self.parseAck(header.sequenceNumber)
                self.shrinkSendBuffer()
                if !sawAck {
                    sawAck = true
                    maximumAck = header.sequenceNumber
                    latestTimestamp = header.timestamp
                } else if Self.difference(header.sequenceNumber, maximumAck) > 0 {
                    maximumAck = header.sequenceNumber
                    latestTimestamp = header.timestamp
                }
            case .push:
                let windowEnd = self.receiveNext &+ UInt32(self.configuration.receiveWindow)
                if Self.difference(header.sequenceNumber, windowEnd) < 0 {
                    self.pushAcknowledgement(header.sequenceNumber, header.timestamp)
                    if Self.difference(header.sequenceNumber, self.receiveNext) >= 0 {
                        self.parseData(
                            Segment(
                                fragment: header.fragment,
                                window: header.window,
                                timestamp: header.timestamp,
                                sequenceNumber: header.sequenceNumber,
                                unacknowledged: header.unacknowledged,
                                data: payload
                            )
                        )
                    }
                }
            case .windowAsk:
                self.askToTellWindow = true
            case .windowTell:
                break
            }
        }
        // As in ikcp_input, only a datagram read to its end counts its acknowledgements and grows the window.
        if sawAck {
            self.parseFastAck(maximumAck, timestamp: latestTimestamp)
        }
        self.growCongestionWindow(previousUnacknowledged: previousUnacknowledged)
    }

    private mutating func pushAcknowledgement(_ sequenceNumber: UInt32, _ timestamp: UInt32) {
        // Bounded: a peer flooding segments between two flushes cannot grow the list without limit.
        guard self.acknowledgements.count < 4 * self.configuration.receiveWindow else {
            self.droppedAcknowledgements += 1
            return
        }
        self.acknowledgements.append((sequenceNumber, timestamp))
    }

    private mutating func updateRTT(_ rtt: Int32) {
        // In 64 bits: a sample may be up to 2^31 - 1 ms (an ACK with a corrupted or forged ts), where the int32
        // products of ikcp_update_ack overflow. The averages themselves stay within 0...Int32.max.
        let rtt = Int64(rtt)
        if self.smoothedRTT == 0 {
            self.smoothedRTT = Int32(rtt)
            self.rttVariation = Int32(rtt / 2)
        } else {
            let delta = abs(rtt - Int64(self.smoothedRTT))
            self.rttVariation = Int32((3 * Int64(self.rttVariation) + delta) / 4)
            self.smoothedRTT = Int32(max(1, (7 * Int64(self.smoothedRTT) + rtt) / 8))
        }
        let rto = Int64(self.smoothedRTT) + max(Int64(self.configuration.interval), 4 * Int64(self.rttVariation))
        self.rto = UInt32(min(max(rto, Int64(self.minimumRTO)), Int64(Self.rtoMaximum)))
    }

    private mutating func shrinkSendBuffer() {
        self.sendUnacknowledged = self.sendBuffer.first?.sequenceNumber ?? self.sendNext
    }

    private mutating func parseAck(_ sequenceNumber: UInt32) {
        guard Self.difference(sequenceNumber, self.sendUnacknowledged) >= 0,
            Self.difference(sequenceNumber, self.sendNext) < 0
        else { return }
        var index = self.sendBuffer.startIndex
        while index != self.sendBuffer.endIndex {
            let segmentNumber = self.sendBuffer[index].sequenceNumber
            if segmentNumber == sequenceNumber {
                self.sendBuffer.remove(at: index)
                return
            }
            if Self.difference(sequenceNumber, segmentNumber) < 0 { return }
            index = self.sendBuffer.index(after: index)
        }
    }

    private mutating func parseUnacknowledged(_ unacknowledged: UInt32) {
        while let first = self.sendBuffer.first, Self.difference(unacknowledged, first.sequenceNumber) > 0 {
            self.sendBuffer.removeFirst()
        }
    }

    private mutating func parseFastAck(_ sequenceNumber: UInt32, timestamp: UInt32) {
        guard Self.difference(sequenceNumber, self.sendUnacknowledged) >= 0,
            Self.difference(sequenceNumber, self.sendNext) < 0
        else { return }
        var index = self.sendBuffer.startIndex
        while index != self.sendBuffer.endIndex {
            let segmentNumber = self.sendBuffer[index].sequenceNumber
            if Self.difference(sequenceNumber, segmentNumber) < 0 { break }
            if sequenceNumber != segmentNumber {
                self.sendBuffer[index].fastAcknowledgements += 1
            }
            index = self.sendBuffer.index(after: index)
        }
    }

    private mutating func parseData(_ segment: Segment) {
        let sequenceNumber = segment.sequenceNumber
        let windowEnd = self.receiveNext &+ UInt32(self.configuration.receiveWindow)
        guard Self.difference(sequenceNumber, windowEnd) < 0, Self.difference(sequenceNumber, self.receiveNext) >= 0
        else { return }
        // Find the place from the back, as ikcp.c does: arrivals are mostly in order.
        var insertAt = self.receiveBuffer.endIndex
        while insertAt != self.receiveBuffer.startIndex {
            let before = self.receiveBuffer.index(before: insertAt)
            let existing = self.receiveBuffer[before].sequenceNumber
            if existing == sequenceNumber { return }
            if Self.difference(sequenceNumber, existing) > 0 { break }
            insertAt = before
        }
        if insertAt == self.receiveBuffer.endIndex {
            // The common case, a segment in order: appending avoids rebuilding the ring buffer.
            self.receiveBuffer.append(segment)
        } else {
            self.receiveBuffer.insert(segment, at: insertAt)
        }
        self.moveReceivedInOrder()
    }

    private mutating func growCongestionWindow(previousUnacknowledged: UInt32) {
        guard Self.difference(self.sendUnacknowledged, previousUnacknowledged) > 0,
            self.congestionWindow < self.remoteWindow
        else { return }
        let mss = UInt32(self.configuration.mss)
        if self.congestionWindow < self.slowStartThreshold {
            self.congestionWindow += 1
            self.increment += mss
        } else {
            if self.increment < mss { self.increment = mss }
            self.increment += (mss * mss) / self.increment + (mss / 16)
            if (self.congestionWindow + 1) * mss <= self.increment {
                self.congestionWindow = (self.increment + mss - 1) / max(mss, 1)
            }
        }
        if self.congestionWindow > self.remoteWindow {
            self.congestionWindow = self.remoteWindow
            self.increment = self.remoteWindow * mss
        }
    }

    // MARK: - Update and flush

    /// Advances the clock; flushes when the interval has passed (`ikcp_update`).
    package mutating func update(now: UInt32, output: (ByteBuffer) -> Void) {
        self.current = now
        if !self.hasUpdated {
            self.hasUpdated = true
            self.flushAt = now
        }
        var slap = Self.difference(now, self.flushAt)
        if slap >= 10_000 || slap < -10_000 {
            self.flushAt = now
            slap = 0
        }
        if slap >= 0 {
            self.flushAt &+= self.configuration.interval
            if Self.difference(now, self.flushAt) >= 0 {
                self.flushAt = now &+ self.configuration.interval
            }
            self.flush(output: output)
        }
    }

    /// When `update` next needs calling, in the same clock (`ikcp_check`).
    package func check(now: UInt32) -> UInt32 {
        guard self.hasUpdated else { return now }
        var flushAt = self.flushAt
        if Self.difference(now, flushAt) >= 10_000 || Self.difference(now, flushAt) < -10_000 {
            flushAt = now
        }
        if Self.difference(now, flushAt) >= 0 { return now }
        let untilFlush = Self.difference(flushAt, now)
        var untilPacket = Int32.max
        for segment in self.sendBuffer {
            let difference = Self.difference(segment.resendAt, now)
            if difference <= 0 { return now }
            untilPacket = min(untilPacket, difference)
        }
        var minimal = UInt32(min(untilPacket, untilFlush))
        if minimal >= self.configuration.interval { minimal = self.configuration.interval }
        return now &+ minimal
    }

    private var unusedWindow: UInt16 {
        UInt16(clamping: max(0, self.configuration.receiveWindow - self.receiveQueue.count))
    }

    /// Sends acknowledgements, window probes and due data segments, packed into datagrams up to the MTU
    /// (`ikcp_flush`).
    package mutating func flush(output: (ByteBuffer) -> Void) {
        guard self.hasUpdated else { return }
        let current = self.current
        let mtu = self.configuration.mtu
        var datagram = ByteBuffer()
        datagram.reserveCapacity(mtu)
        func emitIfFull(adding bytes: Int) {
            if datagram.readableBytes + bytes > mtu {
                output(datagram)
                datagram = ByteBuffer()
                datagram.reserveCapacity(mtu)
            }
        }
        var control = KCPSegmentHeader(
            conversation: self.conversation,
            command: .ack,
            window: self.unusedWindow,
            timestamp: 0,
            sequenceNumber: 0,
            unacknowledged: self.receiveNext,
            length: 0
        )
        for acknowledgement in self.acknowledgements {
            emitIfFull(adding: KCPSegmentHeader.size)
            control.sequenceNumber = acknowledgement.sequenceNumber
            control.timestamp = acknowledgement.timestamp
            datagram.writeKCPSegmentHeader(control)
        }
        self.acknowledgements.removeAll(keepingCapacity: true)

        // Probe a peer whose window is shut, backing off up to two minutes.
        if self.remoteWindow == 0 {
            if self.probeWait == 0 {
                self.probeWait = Self.probeInitial
                self.probeAt = current &+ self.probeWait
            } else if Self.difference(current, self.probeAt) >= 0 {
                self.probeWait = max(self.probeWait, Self.probeInitial)
                self.probeWait += self.probeWait / 2
                self.probeWait = min(self.probeWait, Self.probeLimit)
                self.probeAt = current &+ self.probeWait
                self.askToSendProbe = true
            }
        } else {
            self.probeAt = 0
            self.probeWait = 0
        }
        // As ikcp_flush, which reuses one segment for all of these: a WASK or WINS carries the sn and ts of the last
        // ACK written before it (0 and 0 if there was none).
        if self.askToSendProbe {
            control.command = .windowAsk
            emitIfFull(adding: KCPSegmentHeader.size)
            datagram.writeKCPSegmentHeader(control)
        }
        if self.askToTellWindow {
            control.command = .windowTell
            emitIfFull(adding: KCPSegmentHeader.size)
            datagram.writeKCPSegmentHeader(control)
        }
        self.askToSendProbe = false
        self.askToTellWindow = false

        var window = min(UInt32(self.configuration.sendWindow), self.remoteWindow)
        if !self.configuration.noCongestionWindow {
            window = min(self.congestionWindow, window)
        }
        while Self.difference(self.sendNext, self.sendUnacknowledged &+ window) < 0, !self.sendQueue.isEmpty {
            var segment = self.sendQueue.removeFirst()
            segment.window = control.window
            segment.timestamp = current
            segment.sequenceNumber = self.sendNext
            self.sendNext &+= 1
            segment.unacknowledged = self.receiveNext
            segment.resendAt = current
            segment.rto = self.rto
            segment.fastAcknowledgements = 0
            segment.transmissions = 0
            self.sendBuffer.append(segment)
        }

        let resendThreshold = self.configuration.fastResend > 0 ? self.configuration.fastResend : Int.max
        let rtoMinimum = self.configuration.nodelay == 0 ? self.rto >> 3 : 0
        var changed = false
        var lost = false
        var index = self.sendBuffer.startIndex
        while index != self.sendBuffer.endIndex {
            var needsSend = false
            var segment = self.sendBuffer[index]
            if segment.transmissions == 0 {
                needsSend = true
                segment.transmissions += 1
                segment.rto = self.rto
                segment.resendAt = current &+ segment.rto &+ rtoMinimum
            } else if Self.difference(current, segment.resendAt) >= 0 {
                needsSend = true
                segment.transmissions += 1
                self.timeoutRetransmissions += 1
                // The back-off of each nodelay mode, as ikcp_flush applies it: in 32-bit arithmetic that wraps (after
                // some 25 unanswered retransmissions), with the step of nodelay 1 and 2 read as a signed IINT32.
                if self.configuration.nodelay == 0 {
                    segment.rto &+= max(segment.rto, self.rto)
                } else {
                    let step =
                        self.configuration.nodelay < 2 ? Int32(bitPattern: segment.rto) : Int32(bitPattern: self.rto)
                    segment.rto &+= UInt32(bitPattern: step / 2)
                }
                segment.resendAt = current &+ segment.rto
                lost = true
            } else if segment.fastAcknowledgements >= resendThreshold {
                if segment.transmissions <= self.configuration.fastLimit || self.configuration.fastLimit <= 0 {
                    needsSend = true
                    segment.transmissions += 1
                    segment.fastAcknowledgements = 0
                    segment.resendAt = current &+ segment.rto
                    changed = true
                }
            }
            if needsSend {
                segment.timestamp = current
                segment.window = control.window
                segment.unacknowledged = self.receiveNext
                emitIfFull(adding: KCPSegmentHeader.size + segment.data.readableBytes)
                datagram.writeKCPSegmentHeader(
                    KCPSegmentHeader(
                        conversation: self.conversation,
                        command: .push,
                        fragment: segment.fragment,
                        window: segment.window,
                        timestamp: segment.timestamp,
                        sequenceNumber: segment.sequenceNumber,
                        unacknowledged: segment.unacknowledged,
                        length: UInt32(segment.data.readableBytes)
                    )
                )
                datagram.writeImmutableBuffer(segment.data)
                if segment.transmissions >= self.configuration.deadLink {
                    self.isDeadLink = true
                }
            }
            self.sendBuffer[index] = segment
            index = self.sendBuffer.index(after: index)
        }
        if datagram.readableBytes > 0 {
            output(datagram)
        }

        let mss = UInt32(self.configuration.mss)
        if changed {
            let inflight = self.sendNext &- self.sendUnacknowledged
            self.slowStartThreshold = max(inflight / 2, Self.thresholdMinimum)
            self.congestionWindow = self.slowStartThreshold &+ UInt32(truncatingIfNeeded: resendThreshold)
            self.increment = self.congestionWindow &* mss
        }
        if lost {
            self.slowStartThreshold = max(window / 2, Self.thresholdMinimum)
            self.congestionWindow = 1
            self.increment = mss
        }
        if self.congestionWindow < 1 {
            self.congestionWindow = 1
            self.increment = mss
        }
    }
}
