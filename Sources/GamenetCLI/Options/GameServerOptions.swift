import ArgumentParser
import Foundation
import GamenetCore

/// The game server's limits and timers on the command line; each overrides the same setting of `--config`.
struct GameServerOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "A JSON file with game server settings; flags override it.",
            discussion: """
                Keys: heartbeat, deadPeerTimeout, handshakeTimeout, idleTimeout, resumeWindow, drain (durations \
                such as "15s"), maxMessageSize, queueBytes (sizes such as "64KiB" or numbers of bytes), \
                maxConnections, rate, maxRooms, maxRoomSize (numbers).
                """,
            valueName: "file"
        )
    )
    var configFile: String?

    @Option(help: "How often the game server pings each session (default 15s).")
    var heartbeat: Duration?

    @Option(help: "Disconnect a session that has sent nothing at all, pongs included, for this long (default 45s).")
    var deadPeerTimeout: Duration?

    @Option(help: "How long a new connection has to send its client hello (default 10s).")
    var handshakeTimeout: Duration?

    @Option(help: "How long a dropped session can be resumed with its id and key (default 2m).")
    var resumeWindow: Duration?

    @Option(
        name: .customLong("max-game-message-size"),
        help: "The largest game message accepted, in bytes, announced in the hello (default 64KiB)."
    )
    var maxMessageSize: ByteCount?

    @Option(help: "Messages a second each session may send, with a burst of the same number (default 50).")
    var rate: Int?

    @Option(help: "Bytes a connection may have waiting to be written before it is cut off as slow (default 2MiB).")
    var queueBytes: ByteCount?

    @Option(help: "Rooms one session may be in at once (default 16).")
    var maxRooms: Int?

    @Option(help: "Members one room may hold, whatever size a join asks for (default 10000).")
    var maxRoomSize: Int?

    @Option(help: "On SIGTERM or SIGINT, how long clients get to read their goodbye before the server closes (default 5s).")
    var drain: Duration?

    /// The settings of `--config`, if given.
    func loadFile() throws -> GameServerSettings {
        guard let configFile else { return GameServerSettings() }
        return try GameServerSettings(contentsOf: configFile)
    }

    /// The flags given, as settings to lay over the file's.
    var settings: GameServerSettings {
        var settings = GameServerSettings()
        settings.heartbeat = self.heartbeat
        settings.deadPeerTimeout = self.deadPeerTimeout
        settings.handshakeTimeout = self.handshakeTimeout
        settings.resumeWindow = self.resumeWindow
        settings.drain = self.drain
        settings.maxMessageSize = self.maxMessageSize?.bytes
        settings.queueBytes = self.queueBytes?.bytes
        settings.rate = self.rate
        settings.maxRooms = self.maxRooms
        settings.maxRoomSize = self.maxRoomSize
        return settings
    }
}
