/// The knobs of a KCP session, with the reference implementation's defaults and kcptun's named modes.
///
/// `nodelay`, `interval`, `fastResend` and `noCongestionWindow` are the four arguments of ikcp.c's
/// `ikcp_nodelay(kcp, nodelay, interval, resend, nc)`.
package struct KCPConfiguration: Hashable, Sendable {
    /// 0: normal RTO back-off (×2) and a 100 ms minimum RTO; 1: ×1.5 and 30 ms; 2: RTO + RTO/2 of the estimate.
    package var nodelay: Int = 0
    /// The flush period in milliseconds, 10...5000 (ikcp.c clamps it).
    package var interval: UInt32 = 100
    /// Resend a segment that this many later segments were acknowledged past; 0 turns fast resend off.
    package var fastResend: Int = 0
    /// At most this many fast resends of one segment (IKCP_FASTACK_LIMIT).
    package var fastLimit: Int = 5
    /// Ignore the congestion window, keeping the send and receive windows only.
    package var noCongestionWindow = false
    /// The largest datagram, header included (IKCP_MTU_DEF).
    package var mtu: Int = 1400
    /// Segments in flight at most.
    package var sendWindow: Int = 32
    /// Segments the receiver holds; at least 128, as ikcp_wndsize enforces (a message may have up to 127 fragments).
    package var receiveWindow: Int = 128
    /// Stream mode: no message boundaries, segments filled up to the MSS.
    package var isStream = false
    /// Retransmissions of one segment after which the link counts as dead (IKCP_DEADLINK).
    package var deadLink: Int = 20

    package init() {}

    /// The payload bytes of one segment: the MTU less the 24-byte header.
    package var mss: Int { self.mtu - KCPSegmentHeader.size }

    /// kcptun's modes: `normal (0, 40, 2, 1)`, `fast (0, 30, 2, 1)`, `fast2 (1, 20, 2, 1)`, `fast3 (1, 10, 2, 1)`.
    package enum Mode: String, Hashable, Sendable, CaseIterable {
        case normal
        case fast
        case fast2
        case fast3
        /// The reference's own defaults, `(0, 100, 0, 0)`, for every knob to be set by hand.
        case manual
    }

    /// The configuration of a named mode, with the reference's other defaults.
    package static func mode(_ mode: Mode) -> KCPConfiguration {
        var configuration = KCPConfiguration()
        switch mode {
        case .normal: configuration.setNodelay(0, interval: 40, resend: 2, noCongestionWindow: true)
        case .fast: configuration.setNodelay(0, interval: 30, resend: 2, noCongestionWindow: true)
        case .fast2: configuration.setNodelay(1, interval: 20, resend: 2, noCongestionWindow: true)
        case .fast3: configuration.setNodelay(1, interval: 10, resend: 2, noCongestionWindow: true)
        case .manual: break
        }
        return configuration
    }

    /// As `ikcp_nodelay`: the interval is clamped to 10...5000 ms.
    package mutating func setNodelay(_ nodelay: Int, interval: Int, resend: Int, noCongestionWindow: Bool) {
        self.nodelay = nodelay
        self.interval = UInt32(min(max(interval, 10), 5000))
        self.fastResend = resend
        self.noCongestionWindow = noCongestionWindow
    }
}
