/// A handler that takes writes into a queue of its own (KCP's send queue) and so must slow its relay down itself:
/// the channel's own writability knows nothing of that queue.
///
/// A gate tells when it stops and starts taking writes by firing `channelWritabilityChanged`; the relay then reads
/// `acceptsWrites` along with the channel's writability.
package protocol RelayWritabilityGate: AnyObject {
    var acceptsWrites: Bool { get }
}
