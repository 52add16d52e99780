import GamenetCore
import NIOCore

/// Everything both ends of a tunnel must agree on, and this end's windows.
package struct TunnelConfiguration: Sendable {
    /// The datagram layout and crypto.
    package enum Compatibility: Sendable {
        /// gamenet's AEAD and FEC framing.
        case native(suite: TunnelCipherSuite, key: String)
        /// kcptun's nonce, CRC-32 and AES-CFB, kcp-go's FEC framing.
        case kcptun(method: KCPCrypt.Method, key: String)
    }

    package var compatibility: Compatibility
    /// D:P, or nil for no FEC.
    package var fec: FECConfiguration?
    /// The KCP knobs; the MTU here is the UDP datagram's, the KCP MTU is derived from it.
    package var kcp: KCPConfiguration
    package var smux: SmuxConfiguration
    /// A stream's queued bytes above which its TCP connection is no longer read.
    package var streamHighWater = 512 * 1024
    /// Bytes written to TCP connections and not yet flushed to their sockets above which KCP delivery pauses.
    package var sessionBufferLimit = 4 * 1024 * 1024

    package init(compatibility: Compatibility, fec: FECConfiguration?, kcp: KCPConfiguration, smux: SmuxConfiguration) {
        self.compatibility = compatibility
        self.fec = fec
        self.kcp = kcp
        self.smux = smux
    }

    /// A fresh datagram codec for one flow. A client draws its tunnel id; a server passes the one it read.
    package func makeCodec(role: TunnelCrypto.Role, tunnelID: UInt64) throws -> TunnelDatagramCodec {
        let cipher: TunnelDatagramCodec.Cipher
        switch self.compatibility {
        case .native(let suite, let key):
            cipher = .native(TunnelCrypto(suite: suite, key: key, tunnelID: tunnelID, role: role))
        case .kcptun(let method, let key):
            cipher = .kcptun(try KCPCrypt(method: method, password: key))
        }
        return try TunnelDatagramCodec(cipher: cipher, fec: self.fec)
    }

    /// The KCP configuration of a flow whose codec adds `overhead` bytes: stream mode, MTU less the overhead.
    package func sessionConfiguration(overhead: Int) -> KCPConfiguration {
        var configuration = self.kcp
        configuration.mtu = self.kcp.mtu - overhead
        configuration.isStream = true
        return configuration
    }
}
