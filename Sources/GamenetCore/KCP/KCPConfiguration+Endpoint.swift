extension KCPConfiguration {
    /// The query options a `kcp://` URL may carry.
    package static let endpointOptions = [
        "mode", "mtu", "sndwnd", "rcvwnd", "conv", "stream", "nodelay", "interval", "resend", "nc",
    ]

    /// The smallest `?mtu=`: a message of 64 KiB, the most a relay cuts a byte stream into, must fit in the 127
    /// fragments of one KCP message (127 × (541 − 24) ≥ 65,536); below it a relayed stream would lose data.
    package static let smallestEndpointMTU = 541

    /// The configuration a `kcp://` URL asks for: `?mode=fast3&mtu=1200&sndwnd=128&rcvwnd=128&stream=1`, and for
    /// `mode=manual` the four `ikcp_nodelay` knobs `nodelay`, `interval`, `resend`, `nc`. The default mode is `fast`.
    ///
    /// - Throws: ``EndpointParseError`` naming the option that is wrong.
    package init(endpoint: NetworkEndpoint) throws(EndpointParseError) {
        let text = endpoint.description
        if let unknown = endpoint.options.first(where: { !Self.endpointOptions.contains($0.key) }) {
            throw EndpointParseError(
                text,
                "unknown option '\(unknown.key)', expected one of \(Self.endpointOptions.joined(separator: ", "))"
            )
        }
        let modeName = endpoint.option("mode") ?? "fast"
        guard let mode = Mode(rawValue: modeName) else {
            let modes = Mode.allCases.map(\.rawValue).joined(separator: ", ")
            throw EndpointParseError(text, "unknown mode '\(modeName)', expected one of \(modes)")
        }
        self = .mode(mode)
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(EndpointParseError) -> Int? {
            guard let value = endpoint.option(key) else { return nil }
            guard let number = Int(value), range.contains(number) else {
                throw EndpointParseError(text, "bad \(key) '\(value)', expected a number in \(range)")
            }
            return number
        }
        if let mtu = try integer("mtu", Self.smallestEndpointMTU...65_507) { self.mtu = mtu }
        if let window = try integer("sndwnd", 1...65_535) { self.sendWindow = window }
        if let window = try integer("rcvwnd", 1...65_535) { self.receiveWindow = window }
        if let stream = try integer("stream", 0...1) { self.isStream = stream == 1 }
        let nodelay = try integer("nodelay", 0...2)
        let interval = try integer("interval", 10...5000)
        let resend = try integer("resend", 0...1000)
        let noCongestionWindow = try integer("nc", 0...1)
        if nodelay != nil || interval != nil || resend != nil || noCongestionWindow != nil {
            self.setNodelay(
                nodelay ?? self.nodelay,
                interval: interval ?? Int(self.interval),
                resend: resend ?? self.fastResend,
                noCongestionWindow: noCongestionWindow.map { $0 == 1 } ?? self.noCongestionWindow
            )
        }
    }

    /// The conversation id a `kcp://` URL names with `?conv=`, if any.
    package static func conversation(in endpoint: NetworkEndpoint) throws(EndpointParseError) -> UInt32? {
        guard let value = endpoint.option("conv") else { return nil }
        guard let conversation = UInt32(value) else {
            throw EndpointParseError(endpoint.description, "bad conv '\(value)', expected a number 0-4294967295")
        }
        return conversation
    }
}
