import GamenetCore
import Logging
import NIOCore

/// Runs one ``GameServer`` on one event loop: numbers the connections, feeds the server what they receive, carries
/// out its actions and keeps its timer armed.
///
/// Every listener of `serve` is bound on this loop, so every connection's handlers run on it and call in directly;
/// the class is `@unchecked Sendable` only so that those handlers and scheduled tasks can hold it, and every method
/// must be called on ``loop``.
package final class GameServerHost: @unchecked Sendable {
    /// How a connection carries frames.
    package enum Transport: String, Sendable, CaseIterable {
        case tcp
        case webSocket = "websocket"
        case kcp
    }

    /// Where a connection's frames go.
    private enum Link {
        /// A TCP or WebSocket connection: frames are gathered, framed, in the first handler of its pipeline.
        case channel(any Channel, writer: GameWireWriter)
        case kcp(GameKCPConversation)
    }

    private struct Connection {
        var link: Link
        var transport: Transport
        /// The buffered bytes last reported to the server.
        var reportedPendingBytes = 0
        /// The bytes of the frames written since then, which the server added to its count.
        var unreportedBytes = 0
        /// Whether the server said goodbye: what the client still sends is read and discarded.
        var isClosing = false
        /// Whether frames were written to it since the last flush (it is then in ``GameServerHost/unflushed``).
        var isUnflushed = false
    }

    /// How long a TCP connection that got its goodbye is read from, so that the client reads the goodbye before the
    /// close: closing a socket with unread input resets the connection, and the reset can overtake the goodbye.
    private static let lingerTime: TimeAmount = .seconds(2)

    package let loop: any EventLoop
    private var server: GameServer
    // The two below are touched for every member of a room on every message. Every method runs on `loop`, so the
    // runtime's exclusivity checks on them could never fail; they are turned off.
    @exclusivity(unchecked) private var connections: [ConnectionID: Connection] = [:]
    /// Connections written to since the last flush, in the order first written.
    @exclusivity(unchecked) private var unflushed: [ConnectionID] = []
    private var nextConnectionNumber: UInt64 = 1
    /// Whether datagrams were written since the last flush.
    private var hasUnflushedDatagrams = false
    /// Whether a flush is queued to run after this event-loop iteration's reads.
    private var isFlushQueued = false
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private let started = NIODeadline.now()
    private let logger: Logger
    /// The server's bound on a connection's outgoing queue, in bytes.
    private let outgoingQueueLimit: Int
    /// Sends the server's datagrams, once the UDP port is bound.
    var datagramChannel: (any Channel)?

    package init(configuration: GameServerConfiguration, loop: any EventLoop, logger: Logger) {
        self.loop = loop
        self.logger = logger
        self.server = GameServer(configuration: configuration, keyGenerator: SystemRandomNumberGenerator())
        self.outgoingQueueLimit = configuration.outgoingQueueLimit
    }

    /// Reads from the server where it lies. Reading a computed property of `server` directly copies the whole server
    /// (every dictionary in it retained and released) to have a value to call the getter on; through `inout` the
    /// getter runs on the stored value.
    private func inPlace<Value>(_ read: (inout GameServer) -> Value) -> Value {
        read(&self.server)
    }

    /// The server's limits and timers.
    package var configuration: GameServerConfiguration { self.server.configuration }

    /// The number of open reliable connections.
    package var connectionCount: Int {
        self.loop.preconditionInEventLoop()
        return self.connections.count
    }

    /// The counters, for `/metrics` and `/status`; connections that were told goodbye are no longer counted.
    package var report: GameServerReport {
        self.loop.preconditionInEventLoop()
        var byTransport: [String: Int] = [:]
        for connection in self.connections.values where !connection.isClosing {
            byTransport[connection.transport.rawValue, default: 0] += 1
        }
        return GameServerReport(
            metrics: self.server.metrics,
            connections: byTransport,
            uptimeSeconds: Double((NIODeadline.now() - self.started).nanoseconds) / 1e9,
            isShuttingDown: self.server.isShuttingDown,
            residentBytes: ProcessMemory.ownResidentBytes
        )
    }

    // MARK: - Inputs

    /// A reliable connection is ready to carry frames; its id names it in the other calls.
    func open(_ channel: any Channel, transport: Transport) -> ConnectionID {
        // A quarter of the queue limit at most: the server's count of what the connection holds is brought back to
        // what the socket left buffered before it can pass the limit on a burst the socket takes.
        let writer = GameWireWriter(
            framing: transport == .webSocket ? .webSocket : .stream,
            flushThreshold: max(1, min(64 * 1024, self.outgoingQueueLimit / 4))
        )
        // First in the pipeline, so that what it writes goes to the socket and nowhere else. Adding a handler to an
        // active channel on its own loop cannot fail.
        try? channel.pipeline.syncOperations.addHandler(writer, position: .first)
        return self.open(.channel(channel, writer: writer), transport: transport, from: channel.remoteAddress)
    }

    /// A KCP conversation opened on the UDP port.
    func open(kcp conversation: GameKCPConversation) -> ConnectionID {
        self.open(.kcp(conversation), transport: .kcp, from: conversation.key.peer)
    }

    private func open(_ link: Link, transport: Transport, from peer: SocketAddress?) -> ConnectionID {
        self.loop.preconditionInEventLoop()
        let id = ConnectionID(self.nextConnectionNumber)
        self.nextConnectionNumber += 1
        self.connections[id] = Connection(link: link, transport: transport)
        self.logger.debug("\(transport.rawValue) \(id) from \(peer?.description ?? "?")")
        self.run(self.server.connectionOpened(id, now: .now()))
        return id
    }

    /// One frame arrived. What it makes the server write is flushed by ``flush()`` when the read that brought it
    /// completes: the frames of a whole read go out to each recipient in one write.
    func receive(_ bytes: ByteBuffer, encoding: GameEncoding, on connection: ConnectionID) {
        self.loop.preconditionInEventLoop()
        if self.connections[connection]?.isClosing == true {
            return
        }
        self.run(self.server.receive(bytes, encoding: encoding, on: connection, now: .now()), flushing: false)
    }

    /// The stream's framing broke.
    func fail(_ connection: ConnectionID, error: GameProtocolError) {
        self.loop.preconditionInEventLoop()
        self.logger.info("\(connection): \(error)")
        self.run(self.server.connectionFailed(connection, error: error, now: .now()))
    }

    /// The connection closed.
    func close(_ connection: ConnectionID) {
        self.loop.preconditionInEventLoop()
        guard self.connections.removeValue(forKey: connection) != nil else { return }
        self.run(self.server.connectionClosed(connection, now: .now()))
    }

    /// A datagram arrived on the UDP port that is not KCP.
    func receiveDatagram(_ bytes: ByteBuffer, from address: SocketAddress) {
        self.loop.preconditionInEventLoop()
        self.run(self.server.receiveDatagram(bytes, from: address, now: .now()), flushing: false)
    }

    /// A read completed: what its frames wrote goes out once every channel with input in this iteration of the event
    /// loop has been read, so that a member of a busy room gets the messages of several senders in one write.
    func flushAfterReads() {
        self.loop.preconditionInEventLoop()
        guard !self.isFlushQueued else { return }
        self.isFlushQueued = true
        // Tasks submitted from the loop run after the I/O events of the current iteration, before the next wait.
        self.loop.execute { [self] in
            self.isFlushQueued = false
            self.flush()
        }
    }

    /// Sends what was written, and tells the server what each connection still holds.
    func flush() {
        self.loop.preconditionInEventLoop()
        if self.hasUnflushedDatagrams {
            self.hasUnflushedDatagrams = false
            self.datagramChannel?.flush()
        }
        guard !self.unflushed.isEmpty else { return }
        let written = self.unflushed
        self.unflushed.removeAll(keepingCapacity: true)
        for id in written {
            guard let index = self.connections.index(forKey: id) else { continue }
            // Cleared first: what a flush makes the server write to this connection is queued for the next flush.
            self.connections.values[index].isUnflushed = false
            switch self.connections.values[index].link {
            case .channel(_, let writer): writer.flush()
            case .kcp(let conversation): conversation.flush(now: .now())
            }
        }
        // The server added every frame it wrote to these connections to its count of their queued bytes; it learns
        // what is left now that they are flushed, even when that is what it was told last time, once its count is
        // half way to the limit.
        self.reportPendingBytes(of: written, unchanged: true)
    }

    /// The connection's writability changed: its buffered bytes went over or under a watermark.
    func writabilityChanged(_ connection: ConnectionID) {
        self.loop.preconditionInEventLoop()
        self.reportPendingBytes(of: [connection], unchanged: false)
    }

    /// Refuses new sessions, says goodbye to every client and closes each connection once its goodbye is written.
    package func beginShutdown() {
        self.loop.preconditionInEventLoop()
        self.logger.notice("shutting down: \(self.connections.count) connections to close")
        self.run(self.server.shutdown(now: .now()))
    }

    /// Closes every connection still open, whatever it has left to write.
    package func closeAll() {
        self.loop.preconditionInEventLoop()
        for connection in self.connections.values {
            switch connection.link {
            case .channel(let channel, _): channel.close(promise: nil)
            case .kcp(let conversation): conversation.close()
            }
        }
        self.timer?.cancel()
        self.timer = nil
    }

    // MARK: - Actions

    /// Carries out the server's actions; with `flushing` false the writes wait for ``flush()``.
    private func run(_ actions: consuming [GameServerAction], flushing: Bool = true) {
        // The loop's copy is gone when it ends, so the array goes back to the server unshared, to be filled again.
        for action in copy actions {
            switch action {
            case .send(let id, let frame):
                // A connection that was told goodbye gets nothing after it (on WebSocket, the close frame is out).
                // Looked at where it lies: a copy of the connection would retain its channel and writer.
                guard let index = self.connections.index(forKey: id), !self.connections.values[index].isClosing else {
                    continue
                }
                self.connections.values[index].unreportedBytes += frame.byteCount
                switch self.connections.values[index].link {
                case .channel(_, let writer):
                    if writer.write(frame) {
                        // Many messages to one member in one iteration: the server counts each frame against the
                        // member's outgoing queue until it hears what the socket left buffered, so it hears now,
                        // before a burst that the socket takes in stride looks like a slow consumer.
                        writer.flush()
                        self.reportPendingBytes(of: CollectionOfOne(id), unchanged: true)
                        continue
                    }
                case .kcp(let conversation):
                    conversation.send(frame.serialized())
                }
                if !self.connections.values[index].isUnflushed {
                    self.connections.values[index].isUnflushed = true
                    self.unflushed.append(id)
                }
            case .sendDatagram(let address, let bytes):
                guard let channel = self.datagramChannel else { continue }
                channel.write(AddressedEnvelope(remoteAddress: address, data: bytes), promise: nil)
                self.hasUnflushedDatagrams = true
            case .close(let id, let reason):
                guard let connection = self.connections[id], !connection.isClosing else { continue }
                self.connections[id]?.isClosing = true
                self.logger.info("closing \(connection.transport.rawValue) \(id): \(reason)")
                let channel: any Channel
                let writer: GameWireWriter
                switch connection.link {
                case .channel(let linkChannel, let linkWriter):
                    channel = linkChannel
                    writer = linkWriter
                case .kcp(let conversation):
                    conversation.finish(on: self.loop)
                    continue
                }
                let lastWrite = self.loop.makePromise(of: Void.self)
                writer.flush(promise: lastWrite)
                let transport = connection.transport
                let loop = self.loop
                lastWrite.futureResult.whenComplete { _ in
                    guard transport == .tcp else {
                        // WebSocket starts its close handshake here.
                        channel.close(promise: nil)
                        return
                    }
                    channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
                    loop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
                }
            }
        }
        self.server.recycle(actions)
        if flushing {
            self.flush()
        }
        self.armTimer()
    }

    /// Tells the server how many bytes each connection still has to write, so it can cut off slow consumers.
    /// A connection whose buffered bytes are what was last reported is left out, unless `unchanged` is true and
    /// the server's count for it (last report and frames since) has reached half the outgoing queue limit.
    private func reportPendingBytes(of ids: some Sequence<ConnectionID>, unchanged: Bool) {
        for id in ids {
            guard let connection = self.connections[id] else { continue }
            let pending: Int
            switch connection.link {
            case .channel(let channel, _):
                guard let buffered = try? channel.syncOptions?.getOption(.bufferedWritableBytes) else { continue }
                pending = buffered
            case .kcp(let conversation):
                // KCP keeps what the peer has not acknowledged in its own queues; a peer that stops acknowledging
                // would otherwise make them grow with every message.
                pending = conversation.waitingBytes
            }
            let counted = connection.reportedPendingBytes + connection.unreportedBytes
            guard
                pending != connection.reportedPendingBytes
                    || (unchanged && counted >= self.outgoingQueueLimit / 2)
            else { continue }
            self.connections[id]?.reportedPendingBytes = pending
            self.connections[id]?.unreportedBytes = 0
            self.run(self.server.pendingBytesChanged(pending, on: id, now: .now()))
        }
    }

    /// Keeps one timer armed no later than the server's next deadline; a timer that fires early does no harm.
    private func armTimer() {
        guard let deadline = self.inPlace({ $0.nextDeadline }) else { return }
        if let armed = self.timerDeadline, armed <= deadline, self.timer != nil {
            return
        }
        self.timer?.cancel()
        self.timerDeadline = deadline
        self.timer = self.loop.scheduleTask(deadline: deadline) { [self] in
            self.timer = nil
            self.timerDeadline = nil
            self.run(self.server.tick(now: .now()))
        }
    }
}
