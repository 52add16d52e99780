import NIOCore

/// The sending half of the FEC layer, a pure state machine: each payload goes out at once as a data shard, and a
/// group's parity shards follow when the group is full or, in the native layout, when its flush timeout passes.
///
/// Time comes in as `now`; a caller with no payload to send calls ``flush(now:into:)`` at ``nextDeadline`` so that
/// a game's low packet rate still gets its parity within the timeout. Rows of the current group are kept in one
/// buffer allocated at start; parity is computed there, in place.
package struct FECEncoder: Sendable {
    package let configuration: FECConfiguration
    package private(set) var counters = FECCounters()

    private var codec: ReedSolomon
    /// Codes for groups closed early with k < D data shards, by k.
    private var partialCodecs: [Int: ReedSolomon] = [:]
    /// D + P rows of `rowCapacity` bytes: the group's data rows, then room for its parity rows.
    private var rows: [UInt8]
    /// Data shards in the current group.
    private var count = 0
    /// The longest row of the current group.
    private var longestRow = 0
    /// Native: the current group's number. kcp: the next shard's seqid.
    private var sequence: UInt32 = 0
    /// When the current group's first data shard was sent.
    private var groupStart: NIODeadline?
    /// kcp: when the previous data shard was sent (kcp-go `tsLatestPacket`).
    private var previousDataTime: NIODeadline?

    /// kcp-go's `maxFECEncodeLatency`: a group whose last two data shards are this far apart gets no parity.
    package static let kcpParityGap = TimeAmount.milliseconds(500)

    package init(configuration: FECConfiguration) throws(ReedSolomonError) {
        try configuration.validate()
        self.configuration = configuration
        self.codec = try ReedSolomon(dataShards: configuration.dataShards, parityShards: configuration.parityShards)
        self.rows = [UInt8](
            repeating: 0, count: (configuration.dataShards + configuration.parityShards) * configuration.rowCapacity)
    }

    /// When ``flush(now:into:)`` must be called: the flush timeout of a group that is not yet full, or nil.
    package var nextDeadline: NIODeadline? {
        guard self.count > 0, let timeout = self.configuration.flushTimeout, let start = self.groupStart else {
            return nil
        }
        return start + timeout
    }

    /// Data shards waiting for their group's parity.
    package var pendingDataShards: Int { self.count }

    /// Frames `payload` as a data shard and appends it to `output`, followed by the group's parity shards when this
    /// payload fills the group. A group whose flush timeout has passed is closed first.
    package mutating func encode(
        _ payload: ByteBuffer,
        now: NIODeadline,
        into output: inout [ByteBuffer]
    ) throws(FECShardError) {
        let limit = self.configuration.maxPayloadSize
        guard payload.readableBytes <= limit else {
            self.counters.payloadsTooLarge += 1
            throw .tooLarge(length: payload.readableBytes, limit: limit)
        }
        self.flush(now: now, into: &output)
        if self.count == 0 { self.groupStart = now }

        let index = self.count
        let length = payload.readableBytes
        let rowStart = index * self.configuration.rowCapacity
        // A row is the payload's length, then the payload. kcp's length counts its own two bytes (fec.go `encode`).
        let lengthField = self.configuration.layout == .kcp ? length + 2 : length
        self.rows[rowStart] = UInt8(truncatingIfNeeded: lengthField)
        self.rows[rowStart + 1] = UInt8(truncatingIfNeeded: lengthField >> 8)
        payload.withUnsafeReadableBytes { bytes in
            self.rows.withUnsafeMutableBytes { rows in
                UnsafeMutableRawBufferPointer(rebasing: rows[(rowStart + 2)..<(rowStart + 2 + length)]).copyMemory(
                    from: bytes)
            }
        }
        self.longestRow = max(self.longestRow, length + 2)
        self.count += 1

        var shard = ByteBufferAllocator().buffer(capacity: self.configuration.layout.dataHeaderSize + length)
        switch self.configuration.layout {
        case .kcp:
            shard.writeInteger(self.sequence, endianness: .little)
            shard.writeInteger(UInt16(0xF1), endianness: .little)
            shard.writeInteger(UInt16(truncatingIfNeeded: lengthField), endianness: .little)
            self.sequence = (self.sequence &+ 1) % self.configuration.sequenceWrap
        case .native:
            shard.writeInteger(UInt8(0xD1))
            shard.writeInteger(UInt8(index))
            shard.writeInteger(UInt8(self.configuration.dataShards))
            shard.writeInteger(UInt8(self.configuration.parityShards))
            shard.writeInteger(self.sequence, endianness: .little)
        }
        var body = payload
        shard.writeBuffer(&body)
        output.append(shard)
        self.counters.dataShardsSent += 1

        if self.count == self.configuration.dataShards {
            self.closeGroup(now: now, into: &output)
        }
        self.previousDataTime = now
    }

    /// Sends the parity of the current group if its flush timeout has passed (native layout); otherwise does nothing.
    package mutating func flush(now: NIODeadline, into output: inout [ByteBuffer]) {
        guard let deadline = self.nextDeadline, now >= deadline else { return }
        self.counters.groupsFlushedEarly += 1
        self.closeGroup(now: now, into: &output)
    }

    /// Computes and appends the current group's parity shards (or, kcp layout, skips them after a long gap), and
    /// starts the next group.
    private mutating func closeGroup(now: NIODeadline, into output: inout [ByteBuffer]) {
        let dataCount = self.count
        let parityCount = self.configuration.parityShards
        let capacity = self.configuration.rowCapacity
        let length = self.longestRow
        defer {
            self.count = 0
            self.longestRow = 0
            self.groupStart = nil
        }

        if self.configuration.layout == .kcp {
            // kcp-go compares the time between the group's last two data shards with maxFECEncodeLatency; with no
            // earlier data shard (its tsLatestPacket is 0) the gap counts as long.
            guard let previous = self.previousDataTime, now - previous < Self.kcpParityGap else {
                self.counters.groupsWithoutParity += 1
                self.sequence = (self.sequence &+ UInt32(parityCount)) % self.configuration.sequenceWrap
                return
            }
        }

        // Zero each row's tail up to the longest row: the padding parity is computed over.
        self.rows.withUnsafeMutableBytes { rows in
            for row in 0..<dataCount {
                let start = row * capacity
                let lengthField = Int(rows[start]) | (Int(rows[start + 1]) << 8)
                let rowLength = self.configuration.layout == .kcp ? lengthField : lengthField + 2
                if rowLength < length {
                    UnsafeMutableRawBufferPointer(rebasing: rows[(start + rowLength)..<(start + length)])
                        .initializeMemory(as: UInt8.self, repeating: 0)
                }
            }
        }
        self.encodeParity(dataCount: dataCount, length: length)

        for p in 0..<parityCount {
            let header = self.configuration.layout.parityHeaderSize
            var shard = ByteBufferAllocator().buffer(capacity: header + length)
            switch self.configuration.layout {
            case .kcp:
                shard.writeInteger(self.sequence, endianness: .little)
                shard.writeInteger(UInt16(0xF2), endianness: .little)
                self.sequence = (self.sequence &+ 1) % self.configuration.sequenceWrap
            case .native:
                shard.writeInteger(UInt8(0xD2))
                shard.writeInteger(UInt8(p))
                shard.writeInteger(UInt8(dataCount))
                shard.writeInteger(UInt8(parityCount))
                shard.writeInteger(self.sequence, endianness: .little)
            }
            let start = (self.configuration.dataShards + p) * capacity
            self.rows.withUnsafeBytes { rows in
                _ = shard.writeBytes(UnsafeRawBufferPointer(rebasing: rows[start..<(start + length)]))
            }
            output.append(shard)
            self.counters.parityShardsSent += 1
        }
        if self.configuration.layout == .native {
            self.sequence &+= 1
        }
    }

    /// Parity of data rows 0..<dataCount into rows D..<D+P, `length` bytes each.
    private mutating func encodeParity(dataCount: Int, length: Int) {
        let data = self.configuration.dataShards
        let parity = self.configuration.parityShards
        let capacity = self.configuration.rowCapacity
        if dataCount != data, self.partialCodecs[dataCount] == nil {
            // 1 ≤ dataCount < D, so the counts are valid.
            self.partialCodecs[dataCount] = try! ReedSolomon(dataShards: dataCount, parityShards: parity)
        }
        let codec = dataCount == data ? self.codec : self.partialCodecs[dataCount]!
        self.rows.withUnsafeMutableBytes { rows in
            let base = rows.baseAddress!
            withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: dataCount) { inputs in
                withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: parity) { outputs in
                    for i in 0..<dataCount { inputs[i] = UnsafeRawPointer(base + i * capacity) }
                    for p in 0..<parity { outputs[p] = base + (data + p) * capacity }
                    codec.encode(
                        data: UnsafeBufferPointer(inputs), parity: UnsafeBufferPointer(outputs), length: length)
                }
            }
        }
    }
}
