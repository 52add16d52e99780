import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// One flow of a TCP tunnel: a KCP session with one UDP peer, under the datagram codec, carrying a smux session
/// whose streams are TCP connections. Everything runs on the UDP channel's event loop.
///
/// Back-pressure runs end to end: a stream whose queue passes ``TunnelConfiguration/streamHighWater`` stops reading
/// its TCP connection until KCP has taken the queue; smux data goes into KCP only while KCP holds under two send
/// windows of segments (kcp-go's `Write` waits the same way); data written to TCP connections and not yet on their
/// sockets pauses KCP delivery past ``TunnelConfiguration/sessionBufferLimit``, which closes KCP's receive window,
/// and version 2 smux windows report only what reached a socket.
package final class TunnelMuxConnection {
    /// Where streams come from.
    package enum Role {
        /// Streams are opened for accepted TCP connections.
        case client
        /// The peer opens streams; each is connected to the target.
        case server(target: SocketAddress)
    }

    private final class Stream {
        var channel: (any Channel)?
        /// Data that arrived before the target connection was up.
        var buffered: [ByteBuffer] = []
        var isReadPaused = false
        /// The peer's FIN arrived: the TCP connection's output is (or will be) shut.
        var outputClosed = false
        /// The TCP connection's input ended: our FIN is queued.
        var inputClosed = false
    }

    private let eventLoop: any EventLoop
    private let udp: any Channel
    package let peer: SocketAddress
    private let role: Role
    private let configuration: TunnelConfiguration
    private let logger: Logger
    private var codec: TunnelDatagramCodec
    private var smux: SmuxSession
    private var driver: KCPDriver!
    private var streams: [UInt32: Stream] = [:]
    private var generator = SystemRandomNumberGenerator()
    private var unflushedToTCP = 0
    private var smuxTask: Scheduled<Void>?
    private var fecTask: Scheduled<Void>?
    private var isProcessingScheduled = false
    private var isFlushScheduled = false
    private var outgoing: [ByteBuffer] = []
    private var incoming: [ByteBuffer] = []
    private var events: [SmuxSession.Event] = []
    private let onClose: (TunnelMuxConnection) -> Void
    package private(set) var isClosed = false
    package private(set) var counters = TunnelCounters()

    /// - Parameters:
    ///   - conversation: the KCP conv (a client draws it; a server takes the peer's).
    ///   - codec: the flow's crypto and FEC layers.
    ///   - onClose: told once when the flow ends.
    package init(
        udp: any Channel,
        peer: SocketAddress,
        role: Role,
        conversation: UInt32,
        codec: TunnelDatagramCodec,
        configuration: TunnelConfiguration,
        logger: Logger,
        onClose: @escaping (TunnelMuxConnection) -> Void
    ) {
        self.eventLoop = udp.eventLoop
        self.udp = udp
        self.peer = peer
        self.role = role
        self.configuration = configuration
        self.logger = logger
        self.codec = codec
        self.onClose = onClose
        let now = udp.eventLoop.now
        if case .client = role {
            self.smux = SmuxSession(configuration: configuration.smux, isClient: true, now: now)
        } else {
            self.smux = SmuxSession(configuration: configuration.smux, isClient: false, now: now)
        }
        let session = KCPSession(
            conversation: conversation,
            configuration: configuration.sessionConfiguration(overhead: codec.overhead)
        )
        self.driver = KCPDriver(
            session: session,
            timer: KCPTimer.shared(on: udp.eventLoop),
            idleTimeout: configuration.smux.keepAliveTimeout,
            now: now,
            output: { [unowned self] datagram in self.sendDatagram(datagram) },
            deliver: { [unowned self] event in self.kcpDelivered(event) },
            failed: { [unowned self] error in self.fail("\(error)") }
        )
        self.armSmuxTimer()
    }

    /// Streams carried now.
    package var streamCount: Int { self.streams.count }

    // MARK: - UDP

    /// Takes one datagram from the peer.
    package func receive(_ datagram: ByteBuffer) {
        guard !self.isClosed else { return }
        self.counters.packetsIn += 1
        self.counters.bytesIn += datagram.readableBytes
        self.incoming.removeAll(keepingCapacity: true)
        self.codec.decode(datagram, now: self.eventLoop.now, into: &self.incoming)
        self.inputKCP(self.incoming)
        // Acknowledgements may have made room in KCP for queued smux data.
        if self.smux.hasOutput { self.pump() }
    }

    /// Counts a datagram decoded before the flow existed (a server's first).
    package func countFirstDatagram(_ datagram: ByteBuffer) {
        self.counters.packetsIn += 1
        self.counters.bytesIn += datagram.readableBytes
    }

    /// Feeds KCP datagrams already taken out of the codec (a server's first datagram).
    package func inputKCP(_ datagrams: [ByteBuffer]) {
        let now = self.eventLoop.now
        for datagram in datagrams {
            self.driver.input(datagram, now: now)
        }
    }

    /// The codec's counters, for statistics.
    package var codecState: TunnelDatagramCodec { self.codec }

    /// KCP datagrams refused (another conv, a bad length or command).
    package var refusedKCPDatagrams: Int { self.driver.refusedDatagrams }

    /// Retransmissions KCP made on timeout.
    package var retransmissions: Int { self.driver.session.timeoutRetransmissions }

    private func sendDatagram(_ datagram: ByteBuffer) {
        self.outgoing.removeAll(keepingCapacity: true)
        self.codec.encode(datagram, now: self.eventLoop.now, using: &self.generator, into: &self.outgoing)
        self.write(self.outgoing)
        self.armFECTimer()
    }

    private func write(_ datagrams: [ByteBuffer]) {
        guard !datagrams.isEmpty else { return }
        for datagram in datagrams {
            self.counters.packetsOut += 1
            self.counters.bytesOut += datagram.readableBytes
            self.udp.write(AddressedEnvelope(remoteAddress: self.peer, data: datagram), promise: nil)
        }
        // One flush for everything written in this loop tick: NIO then sends the datagrams with one sendmmsg.
        guard !self.isFlushScheduled else { return }
        self.isFlushScheduled = true
        self.eventLoop.assumeIsolated().execute {
            self.isFlushScheduled = false
            self.udp.flush()
        }
    }

    private func armFECTimer() {
        guard self.fecTask == nil, let deadline = self.codec.nextDeadline else { return }
        self.fecTask = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.fecTask = nil
            self.outgoing.removeAll(keepingCapacity: true)
            self.codec.flush(now: self.eventLoop.now, using: &self.generator, into: &self.outgoing)
            self.write(self.outgoing)
            self.armFECTimer()
        }
    }

    // MARK: - KCP and smux

    private func kcpDelivered(_ event: KCPDriver.Event) {
        switch event {
        case .message(let bytes):
            self.events.removeAll(keepingCapacity: true)
            do {
                try self.smux.input(bytes, now: self.eventLoop.now, into: &self.events)
            } catch {
                self.fail("\(error)")
                return
            }
            let events = self.events
            for event in events {
                self.handle(event)
            }
            self.pump()
        case .endOfInput:
            break
        }
    }

    private func handle(_ event: SmuxSession.Event) {
        switch event {
        case .streamOpened(let id):
            guard case .server(let target) = self.role else {
                // kcptun's server never opens streams; refuse one.
                self.smux.close(streamID: id)
                return
            }
            let stream = Stream()
            self.streams[id] = stream
            self.connect(id, to: target)
        case .data(let id, let bytes):
            guard let stream = self.streams[id] else { return }
            if let channel = stream.channel {
                self.writeToTCP(id, channel, bytes)
            } else {
                stream.buffered.append(bytes)
            }
        case .endOfInput(let id):
            guard let stream = self.streams[id] else { return }
            stream.outputClosed = true
            if let channel = stream.channel {
                channel.close(mode: .output, promise: nil)
            }
            self.finishIfDone(id)
        }
    }

    private func connect(_ id: UInt32, to target: SocketAddress) {
        let loop = self.eventLoop
        ClientBootstrap(group: loop)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .channelInitializer { [unowned self] channel in
                loop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        TunnelStreamHandler(connection: self, streamID: id)
                    )
                }
            }
            .connect(to: target)
            .assumeIsolated()
            .whenComplete { [unowned self] result in
                guard let stream = self.streams[id] else {
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success(let channel):
                    stream.channel = channel
                    let buffered = stream.buffered
                    stream.buffered = []
                    for bytes in buffered { self.writeToTCP(id, channel, bytes) }
                    if stream.outputClosed { channel.close(mode: .output, promise: nil) }
                case .failure(let error):
                    self.logger.info("tunnel: cannot connect stream \(id) to \(target): \(error)")
                    self.streams[id] = nil
                    self.smux.close(streamID: id)
                    self.pump()
                }
            }
    }

    /// Accepts a TCP connection as a new stream (client).
    package func accept(_ channel: any Channel) throws {
        let id = self.smux.openStream()
        let stream = Stream()
        stream.channel = channel
        self.streams[id] = stream
        try channel.pipeline.syncOperations.addHandler(TunnelStreamHandler(connection: self, streamID: id))
        self.pump()
    }

    private func writeToTCP(_ id: UInt32, _ channel: any Channel, _ bytes: ByteBuffer) {
        let count = bytes.readableBytes
        self.unflushedToTCP += count
        if self.unflushedToTCP > self.configuration.sessionBufferLimit, !self.driver.isDeliveryPaused {
            self.driver.pauseDelivery()
        }
        let promise = self.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [unowned self] _ in
            self.unflushedToTCP -= count
            self.smux.consumed(count, streamID: id)
            self.scheduleProcessing()
        }
        channel.writeAndFlush(bytes, promise: promise)
    }

    /// Runs ``process()`` once on the next loop tick, however many writes completed before it.
    private func scheduleProcessing() {
        guard !self.isProcessingScheduled, !self.isClosed else { return }
        self.isProcessingScheduled = true
        self.eventLoop.assumeIsolated().execute {
            self.isProcessingScheduled = false
            guard !self.isClosed else { return }
            if self.driver.isDeliveryPaused, self.unflushedToTCP <= self.configuration.sessionBufferLimit / 2 {
                self.driver.resumeDelivery()
            }
            self.pump()
        }
    }

    // MARK: - TCP streams

    func streamRead(_ id: UInt32, _ bytes: ByteBuffer) {
        guard let stream = self.streams[id] else { return }
        self.smux.send(bytes, streamID: id)
        if !stream.isReadPaused, self.smux.pendingBytes(streamID: id) > self.configuration.streamHighWater,
            let channel = stream.channel
        {
            stream.isReadPaused = true
            channel.setOption(.autoRead, value: false).whenComplete { _ in }
        }
    }

    func streamInputClosed(_ id: UInt32) {
        guard let stream = self.streams[id], !stream.inputClosed else { return }
        stream.inputClosed = true
        self.smux.finish(streamID: id)
        self.pump()
        self.finishIfDone(id)
    }

    func streamChannelClosed(_ id: UInt32) {
        guard let stream = self.streams.removeValue(forKey: id) else { return }
        // The connection went away (reset, or closed without a half-close): what it sent still goes, then FIN.
        if !stream.inputClosed {
            self.smux.finish(streamID: id)
        }
        self.pump()
    }

    private func finishIfDone(_ id: UInt32) {
        guard let stream = self.streams[id], stream.inputClosed, stream.outputClosed else { return }
        self.streams[id] = nil
        stream.channel?.close(promise: nil)
    }

    /// Moves smux frames into KCP while KCP has room, resumes streams whose queue drained, and flushes KCP.
    package func pump() {
        guard !self.isClosed else { return }
        let session = self.driver.session
        let limit = 2 * session.configuration.sendWindow
        let mss = session.configuration.mss
        var moved = false
        while self.smux.hasOutput, self.driver.session.waitingToSend < limit {
            let room = min(limit - self.driver.session.waitingToSend, 64) * mss
            var frames = self.udp.allocator.buffer(capacity: room + 64)
            self.smux.pollOutput(maxBytes: room, into: &frames)
            guard frames.readableBytes > 0 else { break }
            do {
                try self.driver.send(frames)
            } catch {
                self.fail("KCP refused \(frames.readableBytes) bytes: \(error)")
                return
            }
            moved = true
        }
        if moved {
            self.driver.flush(now: self.eventLoop.now)
        }
        for (id, stream) in self.streams where stream.isReadPaused {
            if self.smux.pendingBytes(streamID: id) <= self.configuration.streamHighWater / 2,
                let channel = stream.channel
            {
                stream.isReadPaused = false
                channel.setOption(.autoRead, value: true).whenComplete { _ in }
                channel.read()
            }
        }
    }

    private func armSmuxTimer() {
        self.smuxTask?.cancel()
        self.smuxTask = self.eventLoop.assumeIsolated().scheduleTask(deadline: self.smux.nextDeadline) {
            self.smuxTask = nil
            guard !self.isClosed else { return }
            do {
                try self.smux.tick(now: self.eventLoop.now)
            } catch {
                self.fail("\(error)")
                return
            }
            self.pump()
            self.armSmuxTimer()
        }
    }

    // MARK: - Ending

    /// Ends the flow: every stream's TCP connection is closed.
    package func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        self.driver.stop()
        self.smuxTask?.cancel()
        self.fecTask?.cancel()
        let streams = self.streams
        self.streams = [:]
        for stream in streams.values {
            stream.channel?.close(promise: nil)
        }
        self.onClose(self)
    }

    private func fail(_ reason: String) {
        guard !self.isClosed else { return }
        self.logger.notice("tunnel: flow with \(self.peer) ended: \(reason)")
        self.close()
    }
}

@available(*, unavailable)
extension TunnelMuxConnection: Sendable {}
