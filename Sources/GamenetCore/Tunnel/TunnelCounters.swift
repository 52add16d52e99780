/// What a tunnel did, for its statistics line and summary.
package struct TunnelCounters: Hashable, Sendable {
    package var packetsIn = 0
    package var packetsOut = 0
    package var bytesIn = 0
    package var bytesOut = 0

    package init() {}
}
