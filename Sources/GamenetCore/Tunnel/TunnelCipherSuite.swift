/// How gamenet's own tunnel seals each datagram; the value is the first byte of every sealed datagram.
package enum TunnelCipherSuite: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// No encryption and no authentication, for tests and for links that are already private: the header and the
    /// replay window still apply.
    case none = 0x00
    /// ChaCha20-Poly1305 (RFC 8439), the default: fast without AES hardware.
    case chacha20Poly1305 = 0x01
    /// AES-256-GCM (NIST SP 800-38D).
    case aes256GCM = 0x02

    /// The names `--crypt` takes.
    package init?(name: String) {
        switch name.lowercased() {
        case "chacha20-poly1305", "chacha20": self = .chacha20Poly1305
        case "aes-256-gcm", "aes-gcm": self = .aes256GCM
        case "none": self = .none
        default: return nil
        }
    }

    package var description: String {
        switch self {
        case .none: "none"
        case .chacha20Poly1305: "chacha20-poly1305"
        case .aes256GCM: "aes-256-gcm"
        }
    }

    /// Bytes of the authentication tag after the ciphertext.
    package var tagSize: Int {
        switch self {
        case .none: 0
        case .chacha20Poly1305, .aes256GCM: 16
        }
    }
}
