import GamenetCore
import NIOCore
import Testing

/// The FEC framing layer: kcp-go's wire format byte for byte, the native format's flush timeout, and recovery,
/// bounded memory and refusal of bad input on a lossy link in virtual time.
@Suite struct FECFramingTests {
    static let start = NIODeadline.uptimeNanoseconds(0)

    static func payload(_ number: Int, length: Int? = nil) -> ByteBuffer {
        var generator = SplitMix64(seed: UInt64(number))
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(number), endianness: .little)
        buffer.writeBytes(generator.bytes(length ?? (20 + number % 50)))
        return buffer
    }

    static func time(_ milliseconds: Int) -> NIODeadline {
        start + .milliseconds(Int64(milliseconds))
    }

    // MARK: - kcp layout

    /// kcptun's 10+3: data shards carry seqid, 0xF1 and size = payload + 2; the three parity shards carry seqids
    /// 10-12, 0xF2, and the parity of the rows from the size field on, zero-padded to the longest.
    @Test func kcpLayoutMatchesKCPGoByteForByte() throws {
        var encoder = try FECEncoder(configuration: .kcptun)
        var output: [ByteBuffer] = []
        let payloads = (0..<10).map { Self.payload($0) }
        for (i, payload) in payloads.enumerated() {
            try encoder.encode(payload, now: Self.time(i), into: &output)
        }
        #expect(output.count == 13)
        for i in 0..<10 {
            let shard = output[i]
            #expect(shard.getInteger(at: 0, endianness: .little, as: UInt32.self) == UInt32(i))
            #expect(shard.getInteger(at: 4, endianness: .little, as: UInt16.self) == 0xF1)
            #expect(Int(shard.getInteger(at: 6, endianness: .little, as: UInt16.self)!) == payloads[i].readableBytes + 2)
            #expect(shard.getSlice(at: 8, length: shard.readableBytes - 8) == payloads[i])
        }
        let longest = payloads.map(\.readableBytes).max()! + 2
        var rows: [[UInt8]] = payloads.map { payload in
            var row: [UInt8] = [UInt8(truncatingIfNeeded: payload.readableBytes + 2), UInt8((payload.readableBytes + 2) >> 8)]
            row += payload.getBytes(at: 0, length: payload.readableBytes)!
            return row + [UInt8](repeating: 0, count: longest - row.count)
        }
        rows += Array(repeating: [UInt8](repeating: 0, count: longest), count: 3)
        try ReedSolomon(dataShards: 10, parityShards: 3).encode(&rows)
        for p in 0..<3 {
            let shard = output[10 + p]
            #expect(shard.readableBytes == 6 + longest)
            #expect(shard.getInteger(at: 0, endianness: .little, as: UInt32.self) == UInt32(10 + p))
            #expect(shard.getInteger(at: 4, endianness: .little, as: UInt16.self) == 0xF2)
            #expect(shard.getBytes(at: 6, length: longest) == rows[10 + p])
        }
        #expect(encoder.nextDeadline == nil)
        // The next group starts at seqid 13.
        try encoder.encode(Self.payload(99), now: Self.time(11), into: &output)
        #expect(output.last!.getInteger(at: 0, endianness: .little, as: UInt32.self) == 13)
    }

    /// kcp-go sends no parity for a group whose last two data shards are 500 ms apart, but advances seqid by P.
    @Test func kcpLayoutSkipsParityAfterALongGap() throws {
        var encoder = try FECEncoder(configuration: FECConfiguration(dataShards: 3, parityShards: 2, layout: .kcp))
        var output: [ByteBuffer] = []
        try encoder.encode(Self.payload(0), now: Self.time(0), into: &output)
        try encoder.encode(Self.payload(1), now: Self.time(10), into: &output)
        // A stalled partial group waits: no deadline, nothing on flush.
        #expect(encoder.nextDeadline == nil)
        encoder.flush(now: Self.time(400), into: &output)
        #expect(output.count == 2)
        try encoder.encode(Self.payload(2), now: Self.time(510), into: &output)
        #expect(output.count == 3)
        #expect(encoder.counters.groupsWithoutParity == 1)
        try encoder.encode(Self.payload(3), now: Self.time(520), into: &output)
        #expect(output.last!.getInteger(at: 0, endianness: .little, as: UInt32.self) == 5)
        try encoder.encode(Self.payload(4), now: Self.time(530), into: &output)
        try encoder.encode(Self.payload(5), now: Self.time(540), into: &output)
        #expect(output.count == 8)
        #expect(output[6].getInteger(at: 0, endianness: .little, as: UInt32.self) == 8)
        #expect(output[7].getInteger(at: 4, endianness: .little, as: UInt16.self) == 0xF2)
    }

    /// Every pattern of up to P lost shards of a kcp group is recovered, whatever order the rest arrive in.
    @Test func kcpLayoutRecoversEveryLossPattern() throws {
        let configuration = FECConfiguration(dataShards: 4, parityShards: 2, layout: .kcp)
        var encoder = try FECEncoder(configuration: configuration)
        var shards: [ByteBuffer] = []
        let payloads = (0..<4).map { Self.payload($0) }
        for payload in payloads { try encoder.encode(payload, now: Self.time(0), into: &shards) }
        for losses in 0...2 {
            for lost in combinations(of: 6, choosing: losses) {
                var decoder = try FECDecoder(configuration: configuration)
                var delivered: [ByteBuffer] = []
                for index in (0..<6).reversed() where !lost.contains(index) {
                    try decoder.decode(shards[index], now: Self.time(1), into: &delivered)
                }
                #expect(Set(delivered) == Set(payloads), "lost \(lost)")
                #expect(delivered.count == 4)
            }
        }
    }

    // MARK: - Native layout

    @Test func nativeLayoutFlushesAPartialGroupAfterTheTimeout() throws {
        let configuration = FECConfiguration(dataShards: 10, parityShards: 3)
        var encoder = try FECEncoder(configuration: configuration)
        var output: [ByteBuffer] = []
        for i in 0..<3 { try encoder.encode(Self.payload(i), now: Self.time(i), into: &output) }
        #expect(output.count == 3)
        #expect(encoder.nextDeadline == Self.time(8))
        encoder.flush(now: Self.time(7), into: &output)
        #expect(output.count == 3)
        encoder.flush(now: Self.time(8), into: &output)
        #expect(output.count == 6)
        #expect(encoder.nextDeadline == nil)
        #expect(encoder.counters.groupsFlushedEarly == 1)
        // Parity header: 0xD2, row, k = 3, P = 3, group 0.
        #expect(output[3].getBytes(at: 0, length: 8) == [0xD2, 0, 3, 3, 0, 0, 0, 0])
        #expect(output[0].getBytes(at: 0, length: 8) == [0xD1, 0, 10, 3, 0, 0, 0, 0])

        // Two of the three data shards lost: rebuilt from the parity.
        var decoder = try FECDecoder(configuration: configuration)
        var delivered: [ByteBuffer] = []
        for index in [4, 1, 5] { try decoder.decode(output[index], now: Self.time(9), into: &delivered) }
        #expect(Set(delivered) == Set((0..<3).map { Self.payload($0) }))
        #expect(decoder.counters.recoveredShards == 2)
        #expect(decoder.counters.groupsRecovered == 1)

        // A payload after the deadline closes the late group first and starts group 1.
        var late = try FECEncoder(configuration: configuration)
        var lateOutput: [ByteBuffer] = []
        try late.encode(Self.payload(0), now: Self.time(0), into: &lateOutput)
        try late.encode(Self.payload(1), now: Self.time(20), into: &lateOutput)
        #expect(lateOutput.count == 5)
        #expect(lateOutput[4].getBytes(at: 0, length: 8) == [0xD1, 0, 10, 3, 1, 0, 0, 0])
    }

    @Test func nativeFullGroupSendsParityAtOnce() throws {
        var encoder = try FECEncoder(configuration: FECConfiguration(dataShards: 2, parityShards: 1))
        var output: [ByteBuffer] = []
        try encoder.encode(Self.payload(0), now: Self.time(0), into: &output)
        try encoder.encode(Self.payload(1), now: Self.time(1), into: &output)
        #expect(output.count == 3)
        #expect(encoder.counters.shardsSent == 3)
        #expect(encoder.nextDeadline == nil)
    }

    // MARK: - A lossy link in virtual time

    /// 3,000 payloads, one every 2 ms (some bursts of ten at once), through `Impairment` with loss, duplication
    /// and reordering: nothing is delivered twice or altered, and FEC brings loss far below the link's.
    @Test(arguments: [FECLayout.native, .kcp])
    func recoversOnALossyReorderingDuplicatingLink(layout: FECLayout) throws {
        let configuration = FECConfiguration(dataShards: 10, parityShards: 3, layout: layout, maxGroups: 8)
        var encoder = try FECEncoder(configuration: configuration)
        var decoder = try FECDecoder(configuration: configuration)
        var link = Impairment(
            spec: try ImpairmentSpec(parsing: "delay 20ms 5ms loss 5% duplicate 2% reorder 5% 10ms"), start: Self.start,
            seed: 42)
        var inFlight: [(release: NIODeadline, order: Int, shard: ByteBuffer)] = []
        var order = 0
        var output: [ByteBuffer] = []
        func send(_ shards: [ByteBuffer], at now: NIODeadline) {
            for shard in shards {
                let fate = link.decide(size: shard.readableBytes, now: now)
                for release in [fate.release, fate.duplicateRelease].compactMap({ $0 }) {
                    inFlight.append((release, order, shard))
                    order += 1
                }
            }
        }
        let count = 3000
        var now = Self.start
        for number in 0..<count {
            now = Self.time(2 * number)
            encoder.flush(now: now, into: &output)
            try encoder.encode(Self.payload(number), now: now, into: &output)
            send(output, at: now)
            output.removeAll(keepingCapacity: true)
        }
        encoder.flush(now: now + .milliseconds(10), into: &output)
        send(output, at: now + .milliseconds(10))

        inFlight.sort { ($0.release, $0.order) < ($1.release, $1.order) }
        var delivered: [ByteBuffer] = []
        for packet in inFlight { try decoder.decode(packet.shard, now: packet.release, into: &delivered) }

        let expected = Set((0..<count).map { Self.payload($0) })
        #expect(Set(delivered).isSubset(of: expected))
        #expect(Set(delivered).count == delivered.count, "a payload was delivered twice")
        let linkLoss = Double(link.counters.droppedByLoss) / Double(link.counters.received)
        let residualLoss = 1 - Double(delivered.count) / Double(count)
        #expect(linkLoss > 0.03)
        #expect(residualLoss < linkLoss / 5, "link loss \(linkLoss), after FEC \(residualLoss)")
        #expect(decoder.counters.recoveredShards > 0)
        #expect(decoder.counters.duplicates > 0)
        #expect(decoder.groupsHeld <= configuration.maxGroups + 1)
    }

    // MARK: - Bounded memory and bad input

    @Test(arguments: [FECLayout.native, .kcp])
    func memoryStaysBoundedWhenParityNeverComes(layout: FECLayout) throws {
        let configuration = FECConfiguration(dataShards: 10, parityShards: 3, layout: layout)
        var encoder = try FECEncoder(configuration: configuration)
        var decoder = try FECDecoder(configuration: configuration)
        var output: [ByteBuffer] = []
        var delivered = 0
        for number in 0..<10_000 {
            let now = Self.time(number)
            encoder.flush(now: now, into: &output)
            try encoder.encode(Self.payload(number), now: now, into: &output)
            for shard in output where shard.getInteger(at: layout == .kcp ? 4 : 0, as: UInt8.self) != (layout == .kcp ? 0xF2 : 0xD2) {
                // Drop every tenth data shard too, so that groups stay incomplete.
                guard number % 10 != 3 else { continue }
                var payloads: [ByteBuffer] = []
                try decoder.decode(shard, now: now, into: &payloads)
                delivered += payloads.count
            }
            output.removeAll(keepingCapacity: true)
            #expect(decoder.groupsHeld <= configuration.maxGroups + 1)
        }
        #expect(delivered == 9_000)
        #expect(decoder.counters.groupsExpired > 900)
        #expect(decoder.counters.recoveredShards == 0)
    }

    @Test func groupsExpireAfterTheirLifetime() throws {
        let configuration = FECConfiguration(dataShards: 4, parityShards: 2, groupLifetime: .milliseconds(100))
        var encoder = try FECEncoder(configuration: configuration)
        var decoder = try FECDecoder(configuration: configuration)
        var output: [ByteBuffer] = []
        try encoder.encode(Self.payload(0), now: Self.time(0), into: &output)
        var delivered: [ByteBuffer] = []
        try decoder.decode(output[0], now: Self.time(0), into: &delivered)
        #expect(decoder.groupsHeld == 1)
        #expect(decoder.nextDeadline == Self.time(100))
        decoder.expire(now: Self.time(99))
        #expect(decoder.groupsHeld == 1)
        decoder.expire(now: Self.time(100))
        #expect(decoder.groupsHeld == 0)
        #expect(decoder.counters.groupsExpired == 1)
        #expect(decoder.nextDeadline == nil)
    }

    @Test func duplicatesAreDroppedNotDelivered() throws {
        let configuration = FECConfiguration(dataShards: 3, parityShards: 2)
        var encoder = try FECEncoder(configuration: configuration)
        var decoder = try FECDecoder(configuration: configuration)
        var output: [ByteBuffer] = []
        for i in 0..<3 { try encoder.encode(Self.payload(i), now: Self.time(0), into: &output) }
        var delivered: [ByteBuffer] = []
        // Data 1 lost; parity rebuilds it; a late copy of data 1 and repeated parity are duplicates.
        for index in [0, 3, 2, 3, 0] { try decoder.decode(output[index], now: Self.time(1), into: &delivered) }
        try decoder.decode(output[1], now: Self.time(2), into: &delivered)
        #expect(delivered.count == 3)
        #expect(decoder.counters.duplicates == 3)
        #expect(decoder.counters.recoveredShards == 1)
    }

    @Test func malformedShardsAreRefusedWithAReason() throws {
        var kcp = try FECDecoder(configuration: .kcptun)
        var native = try FECDecoder(configuration: FECConfiguration(dataShards: 10, parityShards: 3))
        var delivered: [ByteBuffer] = []
        func kcpShard(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
        #expect(throws: FECShardError.truncated(length: 5)) {
            try kcp.decode(kcpShard([0, 0, 0, 0, 0xF1]), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.truncated(length: 7)) {
            try kcp.decode(kcpShard([0, 0, 0, 0, 0xF1, 0, 9]), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.unknownKind(0x00F4)) {
            try kcp.decode(kcpShard([0, 0, 0, 0, 0xF4, 0, 2, 0]), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.sizeMismatch(field: 0xFFFF, actual: 4)) {
            try kcp.decode(kcpShard([0, 0, 0, 0, 0xF1, 0, 0xFF, 0xFF, 1, 2]), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.tooLarge(length: 3000, limit: 1502)) {
            try kcp.decode(kcpShard([10, 0, 0, 0, 0xF2, 0] + [UInt8](repeating: 7, count: 3000)), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.unknownKind(0x51)) {
            try native.decode(kcpShard([0x51, 0, 10, 3, 0, 0, 0, 0, 1]), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.invalidGeometry(index: 12, data: 10, parity: 3)) {
            try native.decode(kcpShard([0xD1, 12, 10, 3, 0, 0, 0, 0, 1]), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.invalidGeometry(index: 0, data: 200, parity: 3)) {
            try native.decode(kcpShard([0xD2, 0, 200, 3, 0, 0, 0, 0, 1, 2]), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.invalidGeometry(index: 0, data: 0, parity: 3)) {
            try native.decode(kcpShard([0xD1, 0, 0, 3, 0, 0, 0, 0]), now: Self.start, into: &delivered)
        }
        #expect(throws: FECShardError.truncated(length: 3)) {
            try native.decode(kcpShard([0xD1, 0, 0]), now: Self.start, into: &delivered)
        }
        #expect(delivered.isEmpty)
        #expect(kcp.counters.malformed == 5)
        #expect(native.counters.malformed == 5)

        // Random garbage never crashes either decoder.
        var generator = SplitMix64(seed: 5)
        for round in 0..<2000 {
            let length = Int(generator.next() % 40)
            var bytes = generator.bytes(length)
            if round % 2 == 0, length > 5 { bytes[4] = 0xF1 + UInt8(round % 3); bytes[5] = 0 }
            if round % 3 == 0, length > 0 { bytes[0] = 0xD1 + UInt8(round % 2) }
            _ = try? kcp.decode(ByteBuffer(bytes: bytes), now: Self.time(round), into: &delivered)
            _ = try? native.decode(ByteBuffer(bytes: bytes), now: Self.time(round), into: &delivered)
        }
    }

    @Test func payloadsLongerThanTheLimitAreRefused() throws {
        var encoder = try FECEncoder(configuration: FECConfiguration(maxPayloadSize: 100))
        var output: [ByteBuffer] = []
        #expect(throws: FECShardError.tooLarge(length: 101, limit: 100)) {
            try encoder.encode(ByteBuffer(repeating: 1, count: 101), now: Self.start, into: &output)
        }
        #expect(output.isEmpty)
        #expect(encoder.counters.payloadsTooLarge == 1)
    }
}
