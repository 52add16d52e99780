import GamenetCore
import NIOCore
import Testing

/// The rate limiter: a token bucket with a tail-drop queue behind it, in virtual time.
@Suite struct ImpairmentRateTests {
    private static let start = ShaperDrive.start
    /// 1 mbit/s is 125,000 B/s: a 1,200-byte packet takes 9.6 ms.
    private static let bytesPerSecond = 125_000.0
    private static let packetSize = 1200

    /// Offers 1,200-byte packets at `load` times the rate of 1 mbit/s for `seconds` of virtual time.
    private static func overload(
        _ spec: String,
        load: Double,
        seconds: Int
    ) throws -> (fates: [PacketFate], arrivals: [NIODeadline], counters: ImpairmentCounters) {
        let interval = Int64((Double(packetSize) / (load * bytesPerSecond) * 1e9).rounded())
        let count = Int(Int64(seconds) * 1_000_000_000 / interval)
        var model = Impairment(spec: try ImpairmentSpec(parsing: spec), start: start, seed: 7)
        var fates: [PacketFate] = []
        var arrivals: [NIODeadline] = []
        for index in 0..<count {
            let now = start + .nanoseconds(Int64(index) * interval)
            arrivals.append(now)
            fates.append(model.decide(size: packetSize, now: now))
        }
        return (fates, arrivals, model.counters)
    }

    @Test func goodputUnderOverloadHoldsTheRate() throws {
        // Twice the rate for 10 s: the queue fills within a quarter second and stays full.
        let (fates, _, counters) = try Self.overload("rate 1mbit queue 30000", load: 2, seconds: 10)
        var bytesPerSecond = [Int](repeating: 0, count: 10)
        for fate in fates {
            guard let release = fate.release else { continue }
            let second = Int((release - Self.start).nanoseconds / 1_000_000_000)
            if second < 10 { bytesPerSecond[second] += Self.packetSize }
        }
        // Each second carries the rate to within a packet (1,200 of 125,000 bytes, 0.96 %); the first one also
        // carries the initial burst of 1,500 bytes. Within 2 % in every second: no drift.
        for (second, bytes) in bytesPerSecond.enumerated() {
            let error = abs(Double(bytes) - Self.bytesPerSecond) / Self.bytesPerSecond
            #expect(error <= 0.02, "second \(second): \(bytes) bytes")
        }
        // Over the whole 10 s, goodput is the rate to within one packet (plus the burst).
        let total = bytesPerSecond.reduce(0, +)
        #expect(abs(Double(total) - 10 * Self.bytesPerSecond) <= 1500 + 1200)
        // Half the offered packets cannot fit: they are tail-dropped and counted.
        #expect(counters.droppedByQueue == fates.filter { $0.dropCause == .queueFull }.count)
        #expect(counters.droppedByQueue + counters.passed == counters.received)
        let dropShare = Double(counters.droppedByQueue) / Double(counters.received)
        #expect(dropShare > 0.47 && dropShare < 0.5)
    }

    @Test func queueDelayIsBoundedByTheQueueLimit() throws {
        let queueLimit = 30_000
        let (fates, arrivals, counters) = try Self.overload("rate 1mbit queue \(queueLimit)", load: 2, seconds: 10)
        // A packet is admitted only if the bytes waiting, itself included, fit the queue: it then leaves within
        // queueLimit/rate = 240 ms (the bound asked for, queueLimit/rate + one packet time, is 249.6 ms).
        let bound = TimeAmount.nanoseconds(Int64((Double(queueLimit) / Self.bytesPerSecond * 1e9).rounded(.up)))
        var longest = TimeAmount.zero
        for (fate, arrival) in zip(fates, arrivals) {
            guard let release = fate.release else { continue }
            longest = max(longest, release - arrival)
        }
        #expect(longest <= bound)
        // The queue does fill: the longest wait is within a packet time of the bound.
        #expect(longest >= bound - .microseconds(9600))
        #expect(counters.queued > 0)
        #expect(counters.queueDelayNanoseconds > 0)
        // Bytes waiting at each arrival (admitted earlier, not yet released) never exceed the limit.
        var waiting: [NIODeadline] = []
        var maximumQueued = 0
        for (fate, arrival) in zip(fates, arrivals) {
            waiting.removeAll { $0 <= arrival }
            maximumQueued = max(maximumQueued, waiting.count * Self.packetSize)
            if let release = fate.release { waiting.append(release) }
        }
        #expect(maximumQueued <= queueLimit)
        #expect(maximumQueued >= queueLimit - 2 * Self.packetSize)
    }

    @Test func defaultQueueIsTwoHundredMillisecondsOrSixtyFourKiB() throws {
        let slow = try ImpairmentSpec(parsing: "rate 1mbit")
        #expect(slow.effectiveQueueLimit == 64 * 1024)
        #expect(slow.effectiveBurst == 1500)
        let fast = try ImpairmentSpec(parsing: "rate 100mbit")
        #expect(fast.effectiveQueueLimit == 2_500_000)
        #expect(fast.effectiveBurst == 62_500)
        let (fates, arrivals, counters) = try Self.overload("rate 1mbit", load: 2, seconds: 5)
        let longest = zip(fates, arrivals).compactMap { fate, arrival in fate.release.map { $0 - arrival } }.max()!
        #expect(longest <= .nanoseconds(Int64((65536 / Self.bytesPerSecond * 1e9).rounded(.up))))
        #expect(counters.droppedByQueue > 0)
    }

    @Test func underTheRateNothingWaits() throws {
        let (fates, arrivals, counters) = try Self.overload("rate 1mbit", load: 0.5, seconds: 5)
        #expect(counters.queued == 0)
        #expect(counters.droppedByQueue == 0)
        #expect(zip(fates, arrivals).allSatisfy { $0.release == $1 })
    }

    @Test func burstPassesAtOnceThenTheRateApplies() throws {
        var model = Impairment(
            spec: try ImpairmentSpec(parsing: "rate 1mbit burst 6000 queue 64KiB"),
            start: Self.start,
            seed: 7
        )
        let releases = (0..<8).map { _ in model.decide(size: Self.packetSize, now: Self.start).release! }
        // 6,000 bytes of burst: five packets leave at once, then one every 9.6 ms.
        #expect(releases[0..<5].allSatisfy { $0 == Self.start })
        #expect(releases[5] == Self.start + .microseconds(9600))
        #expect(releases[6] == Self.start + .microseconds(19200))
        #expect(releases[7] == Self.start + .microseconds(28800))
        #expect(model.counters.queued == 3)
        #expect(model.counters.queueDelayNanoseconds == 57_600_000)
    }

    @Test func rateAndDelayAdd() throws {
        var model = Impairment(
            spec: try ImpairmentSpec(parsing: "delay 50ms rate 1mbit burst 1200"),
            start: Self.start,
            seed: 7
        )
        #expect(model.decide(size: 1200, now: Self.start).release == Self.start + .milliseconds(50))
        #expect(model.decide(size: 1200, now: Self.start).release == Self.start + .microseconds(59600))
    }

    @Test func oversizedPacketIsTailDropped() throws {
        var model = Impairment(
            spec: try ImpairmentSpec(parsing: "rate 1mbit burst 1500 queue 1000"),
            start: Self.start,
            seed: 7
        )
        // The backlog after admission would be 3,000 − 1,500 = 1,500 bytes, over the 1,000-byte queue.
        #expect(model.decide(size: 3000, now: Self.start).dropCause == .queueFull)
        #expect(model.counters.droppedByQueue == 1)
        // A packet that fits passes.
        #expect(model.decide(size: 2000, now: Self.start).release != nil)
    }
}
