import NIOCore

/// The settings of a smux session (xtaci/smux `Config`), with kcptun's values as defaults.
package struct SmuxConfiguration: Hashable, Sendable {
    /// 1 or 2; both ends must agree. Version 2 adds per-stream flow control with UPD frames.
    package var version: UInt8
    /// The longest data of one PSH frame (kcptun's `--framesize` default 8192; smux allows up to 65535).
    package var maxFrameSize: Int
    /// Version 2: the window this end advertises for each stream, in bytes (kcptun's `--streambuf`, 2 MiB).
    package var maxStreamBuffer: Int
    /// How often a NOP is sent (kcptun's `--keepalive`, 10 s).
    package var keepAliveInterval: TimeAmount
    /// The session fails when nothing arrived for this long (smux's default, 30 s, which kcptun keeps).
    package var keepAliveTimeout: TimeAmount

    package init(
        version: UInt8 = 2,
        maxFrameSize: Int = 8192,
        maxStreamBuffer: Int = 2 * 1024 * 1024,
        keepAliveInterval: TimeAmount = .seconds(10),
        keepAliveTimeout: TimeAmount = .seconds(30)
    ) {
        self.version = version
        self.maxFrameSize = maxFrameSize
        self.maxStreamBuffer = maxStreamBuffer
        self.keepAliveInterval = keepAliveInterval
        self.keepAliveTimeout = keepAliveTimeout
    }

    /// smux's initial peer window for version 2 (`initialPeerWindow`): what a sender may have in flight on a stream
    /// before the receiver's first UPD.
    package static let initialPeerWindow: UInt32 = 262_144
}
