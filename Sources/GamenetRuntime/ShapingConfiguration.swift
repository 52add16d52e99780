import GamenetCore
import NIOCore

/// What `impair` does to the traffic it relays, per direction, and the TCP-only faults (toxiproxy's toxics).
package struct ShapingConfiguration: Sendable {
    /// Client to target.
    package var up: ImpairmentSpec
    /// Target to client.
    package var down: ImpairmentSpec
    /// The seed every flow's models derive their random sequences from.
    package var seed: UInt64
    /// TCP: cut each read into writes of at most this many bytes, each delayed on its own.
    package var sliceSize: Int?
    /// TCP: reset both connections once this many bytes have passed, either way.
    package var resetAfterBytes: Int?
    /// TCP: reset both connections this long after they opened.
    package var resetAfter: TimeAmount?
    /// TCP: pass the end of a stream on this much later.
    package var slowClose: TimeAmount?

    package init(up: ImpairmentSpec, down: ImpairmentSpec, seed: UInt64) {
        self.up = up
        self.down = down
        self.seed = seed
    }
}
