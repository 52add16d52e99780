import Foundation
import GamenetCore
import GamenetRuntime
import NIOCore

/// The game server settings a `--config` file or the flags give; an absent setting keeps what lies beneath it.
struct GameServerSettings: Equatable {
    var heartbeat: Duration?
    var deadPeerTimeout: Duration?
    var handshakeTimeout: Duration?
    /// A zero duration turns the idle timeout off.
    var idleTimeout: Duration?
    var resumeWindow: Duration?
    var drain: Duration?
    var maxMessageSize: Int?
    var queueBytes: Int?
    var maxConnections: Int?
    var rate: Int?
    var maxRooms: Int?
    var maxRoomSize: Int?

    init() {}

    private static let durationKeys = [
        "heartbeat", "deadPeerTimeout", "handshakeTimeout", "idleTimeout", "resumeWindow", "drain",
    ]
    private static let sizeKeys = ["maxMessageSize", "queueBytes"]
    private static let countKeys = ["maxConnections", "rate", "maxRooms", "maxRoomSize"]

    /// Reads a JSON object of settings.
    /// - Throws: ``GamenetError`` naming the file and the key at fault.
    init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GamenetError(.ioError, "cannot read --config \(path): \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let settings = object as? [String: Any] else {
            throw GamenetError(.badData, "--config \(path): expected a JSON object such as {\"heartbeat\":\"15s\"}")
        }
        func fail(_ key: String, _ expected: String) -> GamenetError {
            GamenetError(.badData, "--config \(path): \(key): expected \(expected)")
        }
        var durations: [String: Duration] = [:]
        var integers: [String: Int] = [:]
        for (key, value) in settings {
            if Self.durationKeys.contains(key) {
                guard let text = value as? String, let duration = try? Duration(parsing: text) else {
                    throw fail(key, "a duration such as \"15s\"")
                }
                durations[key] = duration
            } else if Self.sizeKeys.contains(key) {
                if let text = value as? String, let size = try? ByteCount(parsing: text) {
                    integers[key] = size.bytes
                } else if let number = value as? Int, number > 0 {
                    integers[key] = number
                } else {
                    throw fail(key, "a size such as \"64KiB\" or a number of bytes")
                }
            } else if Self.countKeys.contains(key) {
                guard let number = value as? Int, number > 0 else { throw fail(key, "a positive whole number") }
                integers[key] = number
            } else {
                let known = (Self.durationKeys + Self.sizeKeys + Self.countKeys).joined(separator: ", ")
                throw GamenetError(.badData, "--config \(path): unknown key \(key); known keys: \(known)")
            }
        }
        self.heartbeat = durations["heartbeat"]
        self.deadPeerTimeout = durations["deadPeerTimeout"]
        self.handshakeTimeout = durations["handshakeTimeout"]
        self.idleTimeout = durations["idleTimeout"]
        self.resumeWindow = durations["resumeWindow"]
        self.drain = durations["drain"]
        self.maxMessageSize = integers["maxMessageSize"]
        self.queueBytes = integers["queueBytes"]
        self.maxConnections = integers["maxConnections"]
        self.rate = integers["rate"]
        self.maxRooms = integers["maxRooms"]
        self.maxRoomSize = integers["maxRoomSize"]
    }

    /// These settings over `base`: each one given replaces the one beneath.
    func over(_ base: GameServerSettings) -> GameServerSettings {
        var result = base
        result.heartbeat = self.heartbeat ?? base.heartbeat
        result.deadPeerTimeout = self.deadPeerTimeout ?? base.deadPeerTimeout
        result.handshakeTimeout = self.handshakeTimeout ?? base.handshakeTimeout
        result.idleTimeout = self.idleTimeout ?? base.idleTimeout
        result.resumeWindow = self.resumeWindow ?? base.resumeWindow
        result.drain = self.drain ?? base.drain
        result.maxMessageSize = self.maxMessageSize ?? base.maxMessageSize
        result.queueBytes = self.queueBytes ?? base.queueBytes
        result.maxConnections = self.maxConnections ?? base.maxConnections
        result.rate = self.rate ?? base.rate
        result.maxRooms = self.maxRooms ?? base.maxRooms
        result.maxRoomSize = self.maxRoomSize ?? base.maxRoomSize
        return result
    }

    /// The game server's configuration with these settings applied.
    func apply(to configuration: inout GameService.Configuration) {
        var game = configuration.game
        if let heartbeat { game.heartbeatInterval = heartbeat.timeAmount }
        if let deadPeerTimeout { game.deadPeerTimeout = deadPeerTimeout.timeAmount }
        if let handshakeTimeout { game.handshakeTimeout = handshakeTimeout.timeAmount }
        if let idleTimeout { game.idleTimeout = idleTimeout == .zero ? nil : idleTimeout.timeAmount }
        if let resumeWindow { game.resumeWindow = resumeWindow.timeAmount }
        if let maxMessageSize { game.maximumMessageSize = maxMessageSize }
        if let queueBytes { game.outgoingQueueLimit = queueBytes }
        if let rate { game.messagesPerSecond = rate }
        if let maxRooms { game.maximumRoomsPerSession = maxRooms }
        if let maxRoomSize { game.maximumRoomSize = maxRoomSize }
        if let maxConnections {
            game.maximumSessions = maxConnections
            configuration.maximumConnections = maxConnections
        }
        configuration.game = game
    }

    /// A one-line account of a configuration, for the log.
    static func describe(_ configuration: GameService.Configuration, drain: Duration) -> String {
        let game = configuration.game
        func seconds(_ amount: TimeAmount?) -> String {
            guard let amount else { return "off" }
            return Duration.nanoseconds(amount.nanoseconds).shortDescription
        }
        return [
            "heartbeat \(seconds(game.heartbeatInterval))",
            "dead-peer-timeout \(seconds(game.deadPeerTimeout))",
            "handshake-timeout \(seconds(game.handshakeTimeout))",
            "idle-timeout \(seconds(game.idleTimeout))",
            "resume-window \(seconds(game.resumeWindow))",
            "max-game-message-size \(game.maximumMessageSize)",
            "max-conns \(configuration.maximumConnections)",
            "max-sessions \(game.maximumSessions)",
            "rate \(game.messagesPerSecond)/s",
            "queue-bytes \(game.outgoingQueueLimit)",
            "max-rooms \(game.maximumRoomsPerSession)",
            "max-room-size \(game.maximumRoomSize)",
            "drain \(drain.shortDescription)",
        ].joined(separator: ", ")
    }
}
