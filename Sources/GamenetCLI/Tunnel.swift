import ArgumentParser
import Foundation
import GamenetCore
import GamenetRuntime
import NIOCore

extension GamenetCommand {
    /// `gamenet tunnel client|server`: TCP carried across a lossy link in KCP, with FEC and encryption.
    struct Tunnel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Carry TCP across a lossy link: KCP, Reed-Solomon FEC and encryption; kcptun-compatible.",
            discussion: """
                The client accepts TCP connections on LISTEN and carries each as a stream of one KCP session to \
                the server's UDP port; the server connects each stream to TARGET. Every datagram is \
                [crypto][FEC][KCP]; the streams are multiplexed with smux.
                With udp:// for the client's LISTEN and the server's TARGET, datagrams are carried with FEC and \
                encryption only, no retransmission (UDPspeeder's use, for game traffic): each peer on LISTEN is a \
                flow of its own, closed after --udp-timeout without traffic.
                With --compat kcptun both ends speak kcptun's wire format (16-byte nonce, CRC-32, AES-CFB, \
                kcp-go's FEC framing, smux v1 or v2), so either end may be a stock kcptun-client or kcptun-server \
                started with the same --key, --crypt, --datashard/--parityshard, --smuxver and --nocomp.
                Examples:
                  gamenet tunnel server udp://:29900 tcp://127.0.0.1:22 --compat kcptun --crypt aes --nocomp
                  gamenet tunnel client tcp://:2222 udp://vps:29900 --compat kcptun --crypt aes --nocomp
                  gamenet tunnel server udp://:4000 udp://127.0.0.1:7777 --key "$KEY" --fec 10:3
                  gamenet tunnel client udp://:7777 udp://vps:4000 --key "$KEY" --fec 10:3
                """,
            subcommands: [Client.self, Server.self]
        )
    }
}

/// The options both ends of a tunnel share.
struct TunnelOptions: ParsableArguments {
    enum Compatibility: String, ExpressibleByArgument, CaseIterable {
        case kcptun
    }

    @Option(help: "Speak another tunnel's wire format: kcptun.")
    var compat: Compatibility?

    @Option(help: "The pre-shared secret (kcptun's default with --compat kcptun: \"it's a secrect\").")
    var key: String?

    @Option(
        help: """
            Datagram crypto: chacha20-poly1305 (default), aes-256-gcm or none; with --compat kcptun: aes (default), \
            aes-128 or none.
            """
    )
    var crypt: String?

    @Option(help: "Reed-Solomon FEC as DATA:PARITY shards per group; 0:0 turns FEC off.")
    var fec: String = "10:3"

    @Option(help: "Native FEC: longest wait for a full group before its parity is sent.")
    var fecTimeout: Duration = .milliseconds(8)

    @Option(help: "KCP profile: normal, fast, fast2, fast3 or manual (kcptun's presets).")
    var mode: KCPModeArgument = .fast

    @Option(help: "Largest UDP datagram, headers included.")
    var mtu: Int = 1350

    @Option(help: "KCP send window, in packets (default: client 128, server 1024, as kcptun).")
    var sndwnd: Int?

    @Option(help: "KCP receive window, in packets (default: client 512, server 1024, as kcptun).")
    var rcvwnd: Int?

    @Option(help: "smux version, 1 or 2; must match the other end.")
    var smuxver: UInt8 = 2

    @Option(help: "Per-stream receive window of smux version 2, in bytes.")
    var streambuf: Int = 2 * 1024 * 1024

    @Option(help: "Seconds between smux keepalives; the session ends after 30 s without a frame.")
    var keepalive: Int = 10

    @Flag(help: "No compression. kcptun compresses with snappy unless given --nocomp; gamenet does not compress.")
    var nocomp = false

    @Option(help: "UDP tunnels: close a flow after this long with no datagram.")
    var udpTimeout: Duration = .seconds(60)

    @Flag(help: "Print a JSON line of counters every second and a summary on stdout.")
    var json = false

    func validate() throws {
        _ = try self.fecConfiguration()
        guard (1...2).contains(self.smuxver) else { throw ValidationError("--smuxver must be 1 or 2") }
        guard (100...65_535).contains(self.mtu) else { throw ValidationError("--mtu must be in 100...65535") }
        guard self.keepalive >= 1 else { throw ValidationError("--keepalive must be at least 1 second") }
        guard self.streambuf >= 1024 else { throw ValidationError("--streambuf must be at least 1024 bytes") }
        for (name, value) in [("--sndwnd", self.sndwnd), ("--rcvwnd", self.rcvwnd)] {
            if let value, !(1...65_535).contains(value) { throw ValidationError("\(name) must be in 1...65535") }
        }
        _ = try self.compatibility()
    }

    func fecConfiguration() throws -> FECConfiguration? {
        let parts = self.fec.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let data = Int(parts[0]), let parity = Int(parts[1]), data >= 0, parity >= 0 else {
            throw ValidationError("--fec must be DATA:PARITY, such as 10:3 or 0:0, not '\(self.fec)'")
        }
        // kcp-go turns FEC off when either count is 0.
        if data == 0 || parity == 0 { return nil }
        guard data + parity <= 255 else { throw ValidationError("--fec: DATA + PARITY must be at most 255") }
        let layout: FECLayout = self.compat == .kcptun ? .kcp : .native
        return FECConfiguration(
            dataShards: data,
            parityShards: parity,
            layout: layout,
            flushTimeout: self.fecTimeout.timeAmount,
            maxPayloadSize: self.mtu
        )
    }

    func compatibility() throws -> TunnelConfiguration.Compatibility {
        switch self.compat {
        case .kcptun:
            guard self.nocomp else {
                throw ValidationError(
                    "kcptun compresses with snappy unless told not to, and gamenet does not: pass --nocomp here and to kcptun"
                )
            }
            let name = self.crypt ?? "aes"
            guard let method = KCPCrypt.method(named: name), method != .null else {
                throw ValidationError("--crypt with --compat kcptun must be aes, aes-128 or none, not '\(name)'")
            }
            return .kcptun(method: method, key: self.key ?? KCPCrypt.defaultKey)
        case nil:
            let name = self.crypt ?? "chacha20-poly1305"
            guard let suite = TunnelCipherSuite(name: name) else {
                throw ValidationError("--crypt must be chacha20-poly1305, aes-256-gcm or none, not '\(name)'")
            }
            guard suite == .none || !(self.key ?? "").isEmpty else {
                throw ValidationError("--key is required unless --crypt none")
            }
            return .native(suite: suite, key: self.key ?? "")
        }
    }

    func makeConfiguration(isClient: Bool) throws -> TunnelConfiguration {
        var kcp = KCPConfiguration.mode(self.mode.mode)
        kcp.mtu = self.mtu
        kcp.sendWindow = self.sndwnd ?? (isClient ? 128 : 1024)
        kcp.receiveWindow = self.rcvwnd ?? (isClient ? 512 : 1024)
        let smux = SmuxConfiguration(
            version: self.smuxver,
            maxStreamBuffer: self.streambuf,
            keepAliveInterval: .seconds(Int64(self.keepalive))
        )
        return TunnelConfiguration(
            compatibility: try self.compatibility(),
            fec: try self.fecConfiguration(),
            kcp: kcp,
            smux: smux
        )
    }
}

/// `--mode` values.
enum KCPModeArgument: String, ExpressibleByArgument, CaseIterable {
    case normal, fast, fast2, fast3, manual

    var mode: KCPConfiguration.Mode {
        switch self {
        case .normal: .normal
        case .fast: .fast
        case .fast2: .fast2
        case .fast3: .fast3
        case .manual: .manual
        }
    }
}

extension GamenetCommand.Tunnel {
    /// `gamenet tunnel client LISTEN SERVER`.
    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept TCP on LISTEN and carry each connection to the tunnel server at SERVER (UDP)."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(
            help: "Where to accept TCP connections (tcp://HOST:PORT) or datagrams (udp://HOST:PORT).",
            transform: Endpoint.argument
        )
        var listen: Endpoint

        @Argument(
            help: "The tunnel server: udp://HOST:PORT (kcp:// is taken as the same).",
            transform: Endpoint.argument
        )
        var server: Endpoint

        @OptionGroup var options: TunnelOptions

        /// kcptun-client's `--conn`: several KCP sessions, one per UDP socket, so one lost datagram or one full window
        /// holds back only the streams of its session; the server needs nothing, each socket is a flow to it.
        @Option(
            help: """
                UDP flows to the server, each its own KCP session and socket; new TCP connections take them in turn \
                (kcptun-client's --conn).
                """
        )
        var conn: Int = 1

        func validate() throws {
            guard case .network(let listen) = self.listen, [.tcp, .udp].contains(listen.transport) else {
                throw ValidationError("LISTEN must be tcp://HOST:PORT or udp://HOST:PORT")
            }
            guard (1...256).contains(self.conn) else { throw ValidationError("--conn must be in 1...256") }
            if listen.transport == .udp, self.conn != 1 {
                throw ValidationError("--conn applies to TCP tunnels: a udp:// LISTEN gives each peer its own flow")
            }
            if listen.transport == .udp, self.options.compat != nil {
                throw ValidationError(
                    "kcptun carries TCP only: a udp:// LISTEN needs gamenet's own mode, without --compat"
                )
            }
            guard case .network(let server) = self.server, [.udp, .kcp].contains(server.transport),
                !server.host.isEmpty,
                server.port > 0
            else {
                throw ValidationError("SERVER must be udp://HOST:PORT")
            }
        }

        func run() async throws {
            guard case .network(let listen) = self.listen, case .network(let server) = self.server else { return }
            let configuration = try self.options.makeConfiguration(isClient: true)
            if listen.transport == .udp {
                let service = try await TunnelService.startDatagrams(
                    listen: try TunnelRunner.address(listen, listening: true),
                    far: try TunnelRunner.address(server, listening: false),
                    isClient: true,
                    idleTimeout: self.options.udpTimeout.timeAmount,
                    configuration: configuration,
                    logger: self.global.makeLogger()
                )
                try await TunnelRunner.run(service, json: self.options.json)
                return
            }
            let service = try await TunnelService.startClient(
                listen: try TunnelRunner.address(listen, listening: true),
                server: try TunnelRunner.address(server, listening: false),
                connections: self.conn,
                configuration: configuration,
                logger: self.global.makeLogger()
            )
            try await TunnelRunner.run(service, json: self.options.json)
        }
    }

    /// `gamenet tunnel server LISTEN TARGET`.
    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve tunnel clients on LISTEN (UDP) and connect each of their streams to TARGET (TCP)."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Where to receive the tunnel: udp://HOST:PORT.", transform: Endpoint.argument)
        var listen: Endpoint

        @Argument(
            help: "Where each stream goes (tcp://HOST:PORT), or each flow's datagrams (udp://HOST:PORT).",
            transform: Endpoint.argument
        )
        var target: Endpoint

        @OptionGroup var options: TunnelOptions

        func validate() throws {
            guard case .network(let listen) = self.listen, [.udp, .kcp].contains(listen.transport) else {
                throw ValidationError("LISTEN must be udp://HOST:PORT")
            }
            guard case .network(let target) = self.target, [.tcp, .udp].contains(target.transport),
                !target.host.isEmpty, target.port > 0
            else {
                throw ValidationError("TARGET must be tcp://HOST:PORT or udp://HOST:PORT")
            }
            if target.transport == .udp, self.options.compat != nil {
                throw ValidationError(
                    "kcptun carries TCP only: a udp:// TARGET needs gamenet's own mode, without --compat"
                )
            }
        }

        func run() async throws {
            guard case .network(let listen) = self.listen, case .network(let target) = self.target else { return }
            let configuration = try self.options.makeConfiguration(isClient: false)
            if target.transport == .udp {
                let service = try await TunnelService.startDatagrams(
                    listen: try TunnelRunner.address(listen, listening: true),
                    far: try TunnelRunner.address(target, listening: false),
                    isClient: false,
                    idleTimeout: self.options.udpTimeout.timeAmount,
                    configuration: configuration,
                    logger: self.global.makeLogger()
                )
                try await TunnelRunner.run(service, json: self.options.json)
                return
            }
            let service = try await TunnelService.startServer(
                listen: try TunnelRunner.address(listen, listening: true),
                target: try TunnelRunner.address(target, listening: false),
                configuration: configuration,
                logger: self.global.makeLogger()
            )
            try await TunnelRunner.run(service, json: self.options.json)
        }
    }
}
