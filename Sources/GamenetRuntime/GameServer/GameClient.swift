import Foundation
import GamenetCore
import Logging
import NIOCore
import NIOPosix

/// `connect URL --room NAME`: a game client that joins one room, prints what happens in it and broadcasts each line
/// of its input there; when its connection drops, it connects again and resumes its session.
package final class GameClient: Sendable {
    /// Everything the client needs.
    package struct Configuration: Sendable {
        /// The server, with the transport to use (tcp, ws or kcp).
        package var endpoint: NetworkEndpoint
        package var namespace = "/"
        package var room: String
        /// The display name, if any.
        package var name: String?
        /// Print every message as a JSON line (the protocol's JSON form) instead of a text line.
        package var printsJSON = false
        /// Connect again and resume after a dropped connection.
        package var resumes = true
        /// Bind a UDP socket to the session and broadcast over it (the unreliable channel).
        package var bindsUDP = false
        /// How many times in a row to try to connect again before giving up.
        package var reconnectAttempts = 30
        /// How long to wait before the first attempt; the wait doubles after each failure, up to ``maximumReconnectDelay``.
        package var reconnectDelay: TimeAmount = .milliseconds(250)
        /// The longest wait between attempts: 30 attempts then span about a minute, well inside the default resume
        /// window of two minutes.
        package var maximumReconnectDelay: TimeAmount = .seconds(2)
        /// What to broadcast: standard input's lines, or the given text's.
        package var input: StandardIO.Input = .standardInput
        package var connectTimeout: TimeAmount = .seconds(5)

        package init(endpoint: NetworkEndpoint, room: String) {
            self.endpoint = endpoint
            self.room = room
        }
    }

    /// What the client's one loop reacts to.
    enum Event: Sendable {
        case frame(ByteBuffer, generation: Int)
        case closed(generation: Int)
        case line(String)
        case inputEnded
        /// A datagram from the server's UDP port.
        case datagram(ByteBuffer)
        /// A timer of the UDP binding (``GameClientDatagrams``).
        case datagramTimer(round: Int)
    }

    private let configuration: Configuration
    private let logger: Logger
    private let output: @Sendable (String) -> Void

    /// - Parameter output: prints one line (without its newline) on standard output.
    package init(_ configuration: Configuration, logger: Logger, output: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.output = output
    }

    /// Runs until input ends (then says goodbye) or the session ends for good.
    /// - Throws: ``GamenetError`` when the server cannot be reached or ends the session.
    package func run(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        Self.readInput(self.configuration.input, into: continuation)
        var state = SessionState()
        var generation = 0
        var channel = try await self.connect(generation: generation, events: continuation, group: group)
        self.sendHello(on: channel, state: state)
        var datagrams: GameClientDatagrams?
        defer { datagrams?.close() }
        var pendingLines: [String] = []
        var inputEnded = false
        var failures = 0
        for await event in events {
            switch event {
            case .line(let line):
                guard state.isJoined else {
                    pendingLines.append(line)
                    continue
                }
                self.input(line, on: channel, datagrams: datagrams)
            case .inputEnded:
                inputEnded = true
                // Lines typed before the join go out once joined, and the goodbye after them.
                if state.isJoined {
                    self.send(.goodbye(.init(reason: .normal, message: "input ended")), on: channel)
                    try? await channel.close(mode: .all)
                    return
                }
            case .frame(let bytes, let frameGeneration):
                guard frameGeneration == generation else { continue }
                let outcome = try self.handle(bytes, state: &state, channel: channel)
                if state.needsUDPBind, let credentials = state.credentials {
                    state.needsUDPBind = false
                    datagrams = await self.bindUDP(credentials, state: state, datagrams: datagrams, events: continuation, group: group)
                }
                if state.isJoined {
                    failures = 0
                    for line in pendingLines {
                        self.input(line, on: channel, datagrams: datagrams)
                    }
                    pendingLines.removeAll()
                    if inputEnded {
                        self.send(.goodbye(.init(reason: .normal, message: "input ended")), on: channel)
                        try? await channel.close(mode: .all)
                        return
                    }
                }
                if case .ended(let error) = outcome {
                    try? await channel.close(mode: .all)
                    throw error
                }
            case .datagram(let bytes):
                self.handleDatagram(bytes, datagrams: datagrams, names: state.names)
            case .datagramTimer(let round):
                if datagrams?.timerFired(round: round) == true {
                    self.notice("no answer to the UDP bind; everything goes over the reliable connection")
                }
            case .closed(let closedGeneration):
                guard closedGeneration == generation else { continue }
                // The server forgets a session's UDP address when its reliable connection closes.
                datagrams?.forget()
                guard self.configuration.resumes, state.sessionID != nil else {
                    throw GamenetError(.unavailable, "connection to \(self.configuration.endpoint) closed")
                }
                state.isJoined = false
                while true {
                    failures += 1
                    guard failures <= self.configuration.reconnectAttempts else {
                        throw GamenetError(.unavailable, "cannot reconnect to \(self.configuration.endpoint)")
                    }
                    let delay = min(
                        self.configuration.reconnectDelay.nanoseconds << min(failures - 1, 8),
                        self.configuration.maximumReconnectDelay.nanoseconds
                    )
                    try? await Task.sleep(nanoseconds: UInt64(delay))
                    generation += 1
                    self.logger.notice("connection lost; reconnecting to resume session \(state.sessionID ?? 0)")
                    do {
                        channel = try await self.connect(generation: generation, events: continuation, group: group)
                        break
                    } catch {
                        self.logger.info("\(error)")
                    }
                }
                self.sendHello(on: channel, state: state)
            }
        }
    }

    // MARK: - Protocol

    /// What the client knows of its session.
    private struct SessionState {
        var sessionID: UInt64?
        var key: SessionKey?
        var lastSequence: UInt64 = 0
        var isJoined = false
        /// The display names of the room's members, to name those who leave.
        var names: [UInt64: String] = [:]
        /// The server's UDP port and keepalive interval, from the hello.
        var udpPort = 0
        var udpKeepaliveInterval: TimeAmount = .seconds(25)
        /// Whether a hello or a resume just came and the UDP side should bind.
        var needsUDPBind = false

        var credentials: SessionCredentials? {
            guard let sessionID, let key else { return nil }
            return SessionCredentials(sessionID: sessionID, key: key)
        }
    }

    private enum Outcome {
        case goOn
        case ended(GamenetError)
    }

    private func sendHello(on channel: any Channel, state: SessionState) {
        var resume: GameMessage.ResumeRequest?
        if self.configuration.resumes, let id = state.sessionID, let key = state.key {
            resume = .init(sessionID: id, key: key, lastReceivedSequence: state.lastSequence)
        }
        self.send(.clientHello(.init(versions: GameProtocolVersion.supported, resume: resume)), on: channel)
    }

    private func handle(_ bytes: ByteBuffer, state: inout SessionState, channel: any Channel) throws -> Outcome {
        let frame: GameFrame
        do {
            frame = try GameCodec.decode(bytes, maximumMessageSize: .max)
        } catch {
            self.logger.warning("undecodable message from the server: \(error)")
            return .goOn
        }
        let message: GameMessage
        var sequence: UInt64?
        switch frame {
        case .message(let plain):
            message = plain
        case .sequenced(let number, let sequenced):
            message = sequenced
            sequence = number
            state.lastSequence = number
        case .datagram:
            return .goOn
        }
        switch message {
        case .joined(let joined):
            for member in joined.members {
                state.names[member.sessionID] = member.name
            }
        case .memberEntered(let entered):
            state.names[entered.member.sessionID] = entered.member.name
        default:
            break
        }
        self.print(message, sequence: sequence, names: state.names)
        switch message {
        case .hello(let hello):
            state = SessionState(sessionID: hello.sessionID, key: hello.key)
            state.udpPort = Int(hello.udpPort)
            state.udpKeepaliveInterval = .milliseconds(Int64(max(hello.udpKeepaliveIntervalMilliseconds, 1_000)))
            state.needsUDPBind = self.configuration.bindsUDP
            self.send(
                .join(.init(namespace: self.configuration.namespace, room: self.configuration.room, name: self.configuration.name)),
                on: channel
            )
        case .resumeAccepted:
            state.isJoined = true
            state.needsUDPBind = self.configuration.bindsUDP
        case .joined(let joined) where joined.namespace == self.configuration.namespace && joined.room == self.configuration.room:
            state.isJoined = true
        case .ping(let ping):
            self.send(.pong(.init(timestamp: ping.timestamp)), on: channel)
        case .pong(let pong):
            self.printRoundTrip(since: pong.timestamp, over: self.configuration.endpoint.transport.rawValue)
        case .error(let error) where !state.isJoined:
            return .ended(GamenetError(.unavailable, "cannot join \(self.configuration.room): \(error.message)"))
        case .goodbye(let goodbye):
            let resumable: [GoodbyeReason] = [.serverShutdown, .deadPeer, .replaced]
            if goodbye.reason == .replaced || !self.configuration.resumes || !resumable.contains(goodbye.reason) {
                return .ended(GamenetError(.unavailable, "server said goodbye: \(goodbye.reason.name): \(goodbye.message)"))
            }
        default:
            break
        }
        return .goOn
    }

    /// One line of input: a command (`/rtt`), or a message for the room. `//` starts a message with `/`.
    private func input(_ line: String, on channel: any Channel, datagrams: GameClientDatagrams?) {
        guard line.hasPrefix("/"), !line.hasPrefix("//") else {
            self.broadcast(line.hasPrefix("//") ? String(line.dropFirst()) : line, on: channel, datagrams: datagrams)
            return
        }
        switch line.trimmingCharacters(in: .whitespaces) {
        case "/rtt":
            // The server answers a ping with a pong carrying the same timestamp: the client's monotonic clock.
            let ping = GameMessage.ping(.init(timestamp: UInt64(NIODeadline.now().uptimeNanoseconds)))
            self.send(ping, on: channel)
            if datagrams?.state == .bound {
                datagrams?.send(ping)
            }
        default:
            self.notice("unknown command \(line); /rtt measures the round trip, // starts a message with /")
        }
    }

    /// Broadcasts a line to the room: over UDP once bound with `--udp` (the unreliable channel), else on the
    /// reliable connection.
    private func broadcast(_ line: String, on channel: any Channel, datagrams: GameClientDatagrams?) {
        let broadcast = GameMessage.Broadcast(
            namespace: self.configuration.namespace,
            room: self.configuration.room,
            channel: self.configuration.bindsUDP ? .unreliable : .reliable,
            payload: GamePayload(string: line)
        )
        if let datagrams, datagrams.state == .bound {
            datagrams.send(.broadcast(broadcast))
        } else {
            self.send(.broadcast(broadcast), on: channel)
        }
    }

    // MARK: - UDP

    /// Opens the UDP socket on first use and binds it to the session.
    private func bindUDP(
        _ credentials: SessionCredentials,
        state: SessionState,
        datagrams: GameClientDatagrams?,
        events: AsyncStream<Event>.Continuation,
        group: any EventLoopGroup
    ) async -> GameClientDatagrams? {
        guard state.udpPort != 0 else {
            self.notice("the server has no UDP port; everything goes over the reliable connection")
            return datagrams
        }
        var opened = datagrams
        if opened == nil {
            do {
                opened = try await GameClientDatagrams.open(
                    host: self.configuration.endpoint.host,
                    port: state.udpPort,
                    events: events,
                    group: group
                )
            } catch {
                self.notice("cannot open a UDP socket (\(error)); everything goes over the reliable connection")
                return nil
            }
        }
        opened?.bind(credentials, keepaliveInterval: state.udpKeepaliveInterval)
        return opened
    }

    private func handleDatagram(_ bytes: ByteBuffer, datagrams: GameClientDatagrams?, names: [UInt64: String]) {
        guard let datagrams, case .message(let message)? = try? GameCodec.decode(bytes, maximumMessageSize: .max) else {
            self.logger.debug("undecodable datagram from the server")
            return
        }
        switch message {
        case .udpBound(let bound):
            let wasBound = datagrams.state == .bound
            datagrams.confirm(sessionID: bound.sessionID)
            if !wasBound, datagrams.state == .bound {
                self.notice("UDP bound: unreliable messages go over UDP")
            }
        case .pong(let pong):
            self.printRoundTrip(since: pong.timestamp, over: "udp")
        default:
            self.print(message, sequence: nil, names: names)
        }
    }

    private func send(_ message: GameMessage, on channel: any Channel) {
        guard let bytes = try? GameCodec.encode(.message(message)) else { return }
        // The TCP pipeline's framing adds the length prefix; WebSocket and KCP carry one frame per message.
        channel.writeAndFlush(bytes, promise: nil)
    }

    // MARK: - Output

    /// A line about the client itself, as the room's other notices are printed.
    private func notice(_ text: String) {
        if self.configuration.printsJSON {
            self.output(#"{"notice":"# + text.replacingOccurrences(of: "\"", with: "'") + #"","type":"client"}"#)
        } else {
            self.output("[\(self.configuration.room)] * \(text)")
        }
    }

    private func printRoundTrip(since timestamp: UInt64, over transport: String) {
        let now = UInt64(NIODeadline.now().uptimeNanoseconds)
        guard now >= timestamp else { return }
        let milliseconds = Double(now - timestamp) / 1e6
        if self.configuration.printsJSON {
            self.output(#"{"milliseconds":\#(milliseconds),"transport":"\#(transport)","type":"rtt"}"#)
        } else {
            self.output("[\(self.configuration.room)] * rtt \(transport) \(String(format: "%.3f", milliseconds)) ms")
        }
    }

    private func print(_ message: GameMessage, sequence: UInt64?, names: [UInt64: String]) {
        if self.configuration.printsJSON {
            if case .ping = message { return }
            if let json = try? GameJSONCodec.encode(message, sequence: sequence) {
                self.output(String(buffer: json))
            }
            return
        }
        let room = "[\(self.configuration.room)]"
        switch message {
        case .roomMessage(let roomMessage):
            let sender = roomMessage.senderName ?? "#\(roomMessage.senderID)"
            let text = roomMessage.payload.text ?? "(\(roomMessage.payload.count) bytes)"
            self.output("[\(roomMessage.room)] \(sender): \(text)")
        case .joined(let joined):
            let names = joined.members.map { $0.name ?? "#\($0.sessionID)" }.joined(separator: ", ")
            self.output("[\(joined.room)] * joined; members: \(names)")
        case .memberEntered(let entered):
            self.output("[\(entered.room)] * \(entered.member.name ?? "#\(entered.member.sessionID)") joined")
        case .memberExited(let exited):
            self.output("[\(exited.room)] * \(names[exited.sessionID] ?? "#\(exited.sessionID)") left")
        case .resumeAccepted(let accepted):
            self.output("\(room) * resumed session \(accepted.sessionID)")
        case .resumeRejected(let rejected):
            self.output("\(room) * resume refused: \(rejected.message)")
        case .error(let error):
            self.output("\(room) * error: \(error.message)")
        case .warning(let warning):
            self.output("\(room) * warning: \(warning.message)")
        case .goodbye(let goodbye):
            self.output("\(room) * goodbye: \(goodbye.reason.name) \(goodbye.message)")
        default:
            break
        }
    }

    // MARK: - Connections and input

    private func connect(
        generation: Int,
        events: AsyncStream<Event>.Continuation,
        group: any EventLoopGroup
    ) async throws -> any Channel {
        let endpoint = self.configuration.endpoint
        var connector = EndpointConnector(connectTimeout: self.configuration.connectTimeout)
        connector.kcpTimeout = .seconds(30)
        let framing: FramingMode? = endpoint.transport == .tcp ? .len32 : nil
        let channel = try await connector.connect(
            to: .network(endpoint),
            on: group.next(),
            framing: framing,
            maximumMessageLength: Int(UInt32.max)
        ).get()
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(GameClientInboundHandler(generation: generation, events: events))
            channel.pipeline.fireUserInboundEventTriggered(RelayEvent.started)
        }.get()
        try await channel.setOption(.autoRead, value: true).get()
        return channel
    }

    /// Reads lines on a thread of their own, since standard input may be a terminal that cannot be polled.
    private static func readInput(_ input: StandardIO.Input, into events: AsyncStream<Event>.Continuation) {
        switch input {
        case .bytes(let bytes):
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            where !line.isEmpty {
                events.yield(.line(String(line)))
            }
            events.yield(.inputEnded)
        case .standardInput:
            let thread = Thread {
                while let line = readLine() {
                    events.yield(.line(line))
                }
                events.yield(.inputEnded)
            }
            thread.start()
        }
    }
}
