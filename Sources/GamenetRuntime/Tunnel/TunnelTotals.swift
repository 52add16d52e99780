import GamenetCore

/// The counters of a tunnel's flows, summed: what `--json` prints every second and the summary on exit.
package struct TunnelTotals: Hashable, Sendable {
    package var flows = 0
    package var packetsIn = 0
    package var packetsOut = 0
    package var bytesIn = 0
    package var bytesOut = 0
    package var fecRecovered = 0
    package var fecFailed = 0
    package var retransmissions = 0
    package var cryptoFailures = 0
    package var refusedKCP = 0

    package init() {}

    mutating func add(_ flow: TunnelMuxConnection) {
        let counters = flow.counters
        self.packetsIn += counters.packetsIn
        self.packetsOut += counters.packetsOut
        self.bytesIn += counters.bytesIn
        self.bytesOut += counters.bytesOut
        let codec = flow.codecState
        if let decoder = codec.decoder {
            self.fecRecovered += decoder.counters.recoveredShards
            self.fecFailed += decoder.counters.groupsFailed + decoder.counters.groupsExpired
        }
        self.cryptoFailures += codec.cryptoFailures
        self.retransmissions += flow.retransmissions
        self.refusedKCP += flow.refusedKCPDatagrams
    }

    mutating func add(_ flow: TunnelDatagramFlow) {
        let counters = flow.counters
        self.packetsIn += counters.packetsIn
        self.packetsOut += counters.packetsOut
        self.bytesIn += counters.bytesIn
        self.bytesOut += counters.bytesOut
        let codec = flow.codecState
        if let decoder = codec.decoder {
            self.fecRecovered += decoder.counters.recoveredShards
            self.fecFailed += decoder.counters.groupsFailed + decoder.counters.groupsExpired
        }
        self.cryptoFailures += codec.cryptoFailures
    }

    /// One JSON object.
    package var json: String {
        #"{"flows":\#(flows),"packets_in":\#(packetsIn),"packets_out":\#(packetsOut),"bytes_in":\#(bytesIn),"#
            + #""bytes_out":\#(bytesOut),"fec_recovered":\#(fecRecovered),"fec_failed":\#(fecFailed),"#
            + #""retransmits":\#(retransmissions),"crypto_failures":\#(cryptoFailures),"#
            + #""kcp_refused":\#(refusedKCP)}"#
    }
}
