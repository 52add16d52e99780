import Foundation

/// The monotonic clock (`CLOCK_MONOTONIC`) in nanoseconds: the clock both ends of a one-way delay measurement read.
func monotonicNanoseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

/// The datagrams of the timed tests: an 8-byte sequence number and the 8-byte monotonic send time, little-endian,
/// padded to the datagram's size.
enum TimedDatagram {
    static let headerSize = 16

    static func write(sequence: UInt64, sentNanoseconds: Int64, into buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: sequence.littleEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: UInt64(bitPattern: sentNanoseconds).littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    static func read(_ buffer: UnsafeRawBufferPointer) -> (sequence: UInt64, sentNanoseconds: Int64)? {
        guard buffer.count >= Self.headerSize else { return nil }
        let sequence = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let sent = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        return (sequence, Int64(bitPattern: sent))
    }
}

/// A UDP socket bound to 127.0.0.1 port 0, with a thread of its own that receives on it and records every timed
/// datagram with its arrival time, read from the monotonic clock as soon as `recv` returns.
///
/// The thread polls a stop flag every 50 ms (the socket's receive timeout), so `stop()` is bounded.
final class UDPSink: @unchecked Sendable {
    struct Arrival {
        var sequence: UInt64
        var sentNanoseconds: Int64
        var receivedNanoseconds: Int64
    }

    let port: Int
    private let descriptor: Int32
    private let condition = NSCondition()
    private var arrivals: [Arrival] = []
    private var lastArrival = monotonicNanoseconds()
    private var stopping = false
    private var stopped = false

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("cannot create a UDP socket") }
        var bufferSize: Int32 = 4 << 20
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw TestFailure("cannot bind a UDP socket on 127.0.0.1: errno \(errno)")
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.arrivals.reserveCapacity(16_384)
        let thread = Thread { [self] in self.receiveLoop() }
        thread.name = "udp-sink"
        thread.start()
    }

    deinit {
        close(self.descriptor)
    }

    private func receiveLoop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count = recv(self.descriptor, buffer.baseAddress, buffer.count, 0)
            let now = monotonicNanoseconds()
            self.condition.lock()
            if self.stopping {
                self.stopped = true
                self.condition.broadcast()
                self.condition.unlock()
                return
            }
            if count > 0, let datagram = TimedDatagram.read(UnsafeRawBufferPointer(rebasing: buffer[..<count])) {
                self.arrivals.append(
                    Arrival(sequence: datagram.sequence, sentNanoseconds: datagram.sentNanoseconds, receivedNanoseconds: now)
                )
                self.lastArrival = now
                self.condition.broadcast()
            }
            self.condition.unlock()
        }
    }

    /// Ends the receiving thread; waits at most a second for it.
    func stop() {
        self.condition.lock()
        defer { self.condition.unlock() }
        self.stopping = true
        let deadline = Date().addingTimeInterval(1)
        while !self.stopped, self.condition.wait(until: deadline) {}
    }

    /// Every datagram received so far, in order of arrival.
    var received: [Arrival] {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.arrivals
    }

    /// The number of datagrams received so far.
    var count: Int {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.arrivals.count
    }

    /// Waits until at least `count` datagrams have arrived, or `timeout` passed; returns the count.
    @discardableResult
    func waitForCount(_ count: Int, timeout: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.arrivals.count < count, self.condition.wait(until: deadline) {}
        return self.arrivals.count
    }

    /// Waits until nothing has arrived for `quiet` seconds (at most `timeout` in all); returns the count.
    @discardableResult
    func waitUntilQuiet(_ quiet: TimeInterval, timeout: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            self.condition.lock()
            let idle = Double(monotonicNanoseconds() - self.lastArrival) / 1e9
            self.condition.unlock()
            if idle >= quiet { break }
            Thread.sleep(forTimeInterval: min(quiet - idle, max(0, deadline.timeIntervalSinceNow)) + 0.001)
        }
        return self.count
    }
}

/// A UDP socket connected to 127.0.0.1:PORT that sends timed datagrams at a steady pace from a thread of its own.
///
/// One socket for its whole life, so that every batch it sends belongs to the same UDP flow of a proxy.
final class PacedUDPSender: @unchecked Sendable {
    private let descriptor: Int32

    init(port: Int) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard self.descriptor >= 0 else { throw TestFailure("cannot create a UDP socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(self.descriptor)
            throw TestFailure("cannot connect a UDP socket to 127.0.0.1:\(port)")
        }
    }

    deinit {
        close(self.descriptor)
    }

    /// Sends `count` datagrams of `size` bytes, numbered from `firstSequence`, one every `intervalNanoseconds`,
    /// and returns when the last has been sent.
    ///
    /// The slots are fixed on the monotonic clock from the start (no drift): the sending thread sleeps until 100 µs
    /// before a slot with `clock_nanosleep(TIMER_ABSTIME)` and spins for the rest, then reads the clock, stamps the
    /// datagram and sends it. Bounded: `count` sends, and a slot that has already passed is sent at once.
    func send(count: Int, intervalNanoseconds: Int64, firstSequence: UInt64 = 0, size: Int = 64) throws {
        precondition(size >= TimedDatagram.headerSize && count >= 0)
        let done = DispatchSemaphore(value: 0)
        let failures = FailureBox()
        let thread = Thread { [self] in
            defer { done.signal() }
            let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
            defer { payload.deallocate() }
            payload.initializeMemory(as: UInt8.self, repeating: 0x5a)
            let spin: Int64 = 100_000
            let start = monotonicNanoseconds() + 1_000_000
            for index in 0..<count {
                let slot = start + Int64(index) * intervalNanoseconds
                let wake = slot - spin
                if wake > monotonicNanoseconds() {
                    var time = timespec(tv_sec: Int(wake / 1_000_000_000), tv_nsec: Int(wake % 1_000_000_000))
                    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
                }
                var now = monotonicNanoseconds()
                while now < slot {
                    now = monotonicNanoseconds()
                }
                TimedDatagram.write(sequence: firstSequence + UInt64(index), sentNanoseconds: now, into: payload)
                let sent = Glibc.send(self.descriptor, payload.baseAddress, size, 0)
                if sent != size {
                    // ECONNREFUSED reports an ICMP error of an earlier datagram; the datagram is lost, the send goes on.
                    failures.record(index, errno)
                }
            }
        }
        thread.name = "paced-udp-sender"
        thread.start()
        // Bounded: the thread ends after `count` slots; allow them plus ten seconds.
        let budget = Double(count) * Double(intervalNanoseconds) / 1e9 + 10
        guard done.wait(timeout: .now() + budget) == .success else {
            throw TestFailure("the paced sender did not finish \(count) datagrams within \(budget)s")
        }
        if let failure = failures.first {
            throw TestFailure("\(failures.count) sends failed, the first (datagram \(failure.index)): errno \(failure.errno)")
        }
    }
}

/// The failed sends of a paced sender, written by its thread and read once it has ended.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var count = 0
    private(set) var first: (index: Int, errno: Int32)?

    func record(_ index: Int, _ errno: Int32) {
        self.lock.lock()
        defer { self.lock.unlock() }
        self.count += 1
        if self.first == nil { self.first = (index, errno) }
    }
}

/// Order statistics of a sample.
struct Percentiles {
    let sorted: [Int64]

    init(_ values: [Int64]) {
        self.sorted = values.sorted()
    }

    /// The nearest-rank `p`th percentile (`p` in 0...100) of a non-empty sample.
    func callAsFunction(_ p: Double) -> Int64 {
        let rank = Int((p / 100 * Double(self.sorted.count)).rounded(.up))
        return self.sorted[Swift.min(Swift.max(rank, 1), self.sorted.count) - 1]
    }

    var min: Int64 { self.sorted.first ?? 0 }
    var max: Int64 { self.sorted.last ?? 0 }
}
