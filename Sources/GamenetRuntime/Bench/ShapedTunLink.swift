import CGamenetTun
import Foundation
import GamenetCore
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A lossy, slow link for real TCP: a TUN interface whose packets gamenet's shaper delays or drops before turning
/// them around (``IPv4Reflection``), so that the kernel's own TCP — its retransmission timers, fast retransmit and
/// congestion control — runs across the link, as do UDP and KCP, all through the same ``Impairment`` model.
///
/// A client connects to the peer address (10.73.0.2 by default) and reaches a server bound to the interface's own
/// address (10.73.0.1) on the same port; each packet crosses the link once, `up` towards the server's port, `down`
/// from it. The interface is made in a network namespace of its own (``NetworkNamespace``), so nothing outside sees
/// it. One thread moves the packets: it reads every packet the kernel queued, lets the shaper decide each one's
/// fate, and writes each back when its release time comes.
package final class ShapedTunLink: Sendable {
    /// Packets and bytes that entered the link each way (dropped ones included: they were on the wire), and drops.
    package struct Counters: Sendable, Hashable {
        package var upPackets = 0
        package var upBytes = 0
        package var downPackets = 0
        package var downBytes = 0
        package var dropped = 0

        package var bytes: Int { self.upBytes + self.downBytes }
    }

    /// The address bound to the interface, where servers listen.
    package static let localAddress = "10.73.0.1"
    /// The address clients connect to, reflected to ``localAddress``.
    package static let peerAddress = "10.73.0.2"

    private let descriptor: CInt
    private let state: NIOLockedValueBox<State>

    private struct State {
        var counters = Counters()
        var isRunning = true
        var serverPort: UInt16 = 0
    }

    private init(descriptor: CInt) {
        self.descriptor = descriptor
        self.state = NIOLockedValueBox(State())
    }

    /// Creates the interface `name` with ``localAddress``/24 and brings it and loopback up. Needs CAP_NET_ADMIN,
    /// and should run inside a namespace of the caller's own.
    package static func create(name: String = "gn0") throws -> ShapedTunLink {
        let descriptor = gamenet_tun_open(name)
        guard descriptor >= 0 else {
            throw GamenetError(
                .unavailable,
                "cannot create the TUN interface \(name): \(String(cString: strerror(-descriptor))) (needs root and /dev/net/tun)"
            )
        }
        for (interface, address) in [("lo", nil), (name, Self.localAddress)] {
            let status = gamenet_interface_up(interface, address, 24)
            guard status == 0 else {
                close(descriptor)
                throw GamenetError(
                    .unavailable,
                    "cannot bring up \(interface): \(String(cString: strerror(-status)))"
                )
            }
        }
        return ShapedTunLink(descriptor: descriptor)
    }

    /// The port whose packets go `up`; the others go `down`.
    package var serverPort: Int {
        get { Int(self.state.withLockedValue { $0.serverPort }) }
        set { self.state.withLockedValue { $0.serverPort = UInt16(truncatingIfNeeded: newValue) } }
    }

    /// Starts moving packets, shaping those to ``serverPort`` with `up` and the others with `down`.
    package func start(up: ImpairmentSpec, down: ImpairmentSpec, seed: UInt64) {
        let start = NIODeadline.now()
        let initialModels = (
            up: Impairment(spec: up, start: start, seed: seed),
            down: Impairment(spec: down, start: start, seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        )
        let descriptor = self.descriptor
        let state = self.state
        let thread = Thread {
            var models = initialModels
            var queue = ReleaseQueue<[UInt8]>()
            var spare: [[UInt8]] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            while true {
                let (isRunning, port) = state.withLockedValue { ($0.isRunning, $0.serverPort) }
                guard isRunning else { break }
                var timeout: Int32 = 100
                if let next = queue.nextRelease {
                    let wait = (next - NIODeadline.now()).nanoseconds
                    timeout = wait <= 0 ? 0 : Int32(min(100, (wait + 999_999) / 1_000_000))
                }
                _ = poll(&pollDescriptor, 1, timeout)
                var counted = Counters()
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    guard count > 0 else { break }
                    let direction = buffer.withUnsafeMutableBytes {
                        IPv4Reflection.reflect(UnsafeMutableRawBufferPointer(rebasing: $0[..<count]), serverPort: port)
                    }
                    guard let direction else { continue }
                    let now = NIODeadline.now()
                    let fate: PacketFate
                    switch direction {
                    case .up:
                        counted.upPackets += 1
                        counted.upBytes += count
                        fate = models.up.decide(size: count, now: now)
                    case .down:
                        counted.downPackets += 1
                        counted.downBytes += count
                        fate = models.down.decide(size: count, now: now)
                    }
                    guard let release = fate.release else {
                        counted.dropped += 1
                        continue
                    }
                    // Packet storage is recycled: a released packet's array takes the next one's bytes.
                    var packet = spare.popLast() ?? []
                    packet.removeAll(keepingCapacity: true)
                    packet.append(contentsOf: buffer[..<count])
                    if let copy = fate.duplicateRelease {
                        queue.insert(packet, release: copy)
                    }
                    queue.insert(packet, release: release)
                }
                let now = NIODeadline.now()
                while let packet = queue.popDue(now: now) {
                    _ = packet.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    if spare.count < 1_024 { spare.append(packet) }
                }
                if counted != Counters() {
                    state.withLockedValue { state in
                        state.counters.upPackets += counted.upPackets
                        state.counters.upBytes += counted.upBytes
                        state.counters.downPackets += counted.downPackets
                        state.counters.downBytes += counted.downBytes
                        state.counters.dropped += counted.dropped
                    }
                }
            }
            close(descriptor)
        }
        thread.name = "gamenet-tun-link"
        thread.start()
    }

    /// What has crossed the link so far.
    package var counters: Counters {
        self.state.withLockedValue { $0.counters }
    }

    /// Stops the link's thread, which closes the interface.
    package func stop() {
        self.state.withLockedValue { $0.isRunning = false }
    }
}
