import NIOCore

/// The receiving half of the FEC layer, a pure state machine: data shards are delivered the moment they arrive,
/// in whatever order, and a group's missing data shards are rebuilt and delivered as soon as enough of its shards
/// are in. Duplicates are dropped; malformed datagrams are refused with a reason.
///
/// Memory is bounded: at most ``FECConfiguration/maxGroups`` + 1 groups are kept, each in one buffer allocated the
/// first time its slot is used; a group is dropped when it is more than `maxGroups` groups behind the newest (kcp-go
/// `discardShards`), when a newer group needs its slot, or ``FECConfiguration/groupLifetime`` after its first shard.
/// Old and future groups are told apart by signed 32-bit distance, as kcp-go's `_itimediff` does, so sequence
/// numbers may wrap.
package struct FECDecoder: Sendable {
    package let configuration: FECConfiguration
    package private(set) var counters = FECCounters()

    private var slots: [GroupSlot]
    private var codecs: [CodecShape: ReedSolomon] = [:]
    private var newestGroup: UInt32?

    /// At most this many code shapes (k, P) are kept; a peer announcing many shapes clears them.
    private static let codecCacheCapacity = 16

    private struct CodecShape: Hashable {
        var data: Int
        var parity: Int
    }

    /// One group being collected. Rows 0..<D hold data, rows D..<D+P parity (D and P of the configuration).
    private struct GroupSlot {
        var isUsed = false
        var group: UInt32 = 0
        var firstSeen = NIODeadline.uptimeNanoseconds(0)
        /// Rows received or rebuilt: data row i as i, parity row j as D + j.
        var present = ShardMask()
        /// Data shards the group has: D, or for the native layout the k its parity announced.
        var dataCount = 0
        var parityCount = 0
        /// The length of the group's parity rows, once one has arrived.
        var parityLength: Int?
        /// Complete, rebuilt or failed: nothing more to do but drop duplicates.
        var isFinished = false
        var rowLengths: [Int] = []
        var rows: [UInt8] = []
    }

    /// What a datagram turned out to be.
    private struct Shard {
        var isData: Bool
        var group: UInt32
        /// Data: place in the group (0..<D). Parity: parity row (0..<P).
        var index: Int
        /// Native: D for a data shard, k for parity. kcp: D.
        var dataCount: Int
        var parityCount: Int
        /// Where the row starts in the datagram, and its length (for data: the length field and the payload).
        var rowOffset: Int
        var rowLength: Int
        /// Where the payload of a data shard starts, and its length.
        var payloadOffset: Int
        var payloadLength: Int
        /// Not filed in a group (kcp: seqid beyond the wrap, or a shard kind at a place of the other kind).
        var isUnfiled = false
    }

    package init(configuration: FECConfiguration) throws(ReedSolomonError) {
        try configuration.validate()
        self.configuration = configuration
        self.slots = Array(repeating: GroupSlot(), count: configuration.maxGroups + 1)
    }

    /// Groups held now.
    package var groupsHeld: Int { self.slots.count { $0.isUsed } }

    /// When the oldest unfinished group expires, for a caller that wants ``expire(now:)`` called on time.
    package var nextDeadline: NIODeadline? {
        self.slots.filter { $0.isUsed && !$0.isFinished }.map { $0.firstSeen + self.configuration.groupLifetime }.min()
    }

    /// Takes one received datagram; appends to `delivered` its payload if it is a data shard, then any payloads its
    /// group's parity rebuilt. Throws, delivering nothing, if the datagram is malformed.
    package mutating func decode(
        _ datagram: ByteBuffer,
        now: NIODeadline,
        into delivered: inout [ByteBuffer]
    ) throws(FECShardError) {
        self.counters.shardsReceived += 1
        self.expire(now: now)
        let shard: Shard
        do {
            shard = try self.parse(datagram)
        } catch {
            self.counters.malformed += 1
            throw error
        }
        if shard.isUnfiled {
            self.counters.staleShards += 1
            self.deliverUnfiled(shard, from: datagram, into: &delivered)
            return
        }

        guard let slot = self.slot(for: shard, now: now) else {
            self.counters.staleShards += 1
            self.deliverUnfiled(shard, from: datagram, into: &delivered)
            return
        }
        let row = shard.isData ? shard.index : self.configuration.dataShards + shard.index
        if self.slots[slot].present.contains(row) {
            self.counters.duplicates += 1
            return
        }
        if !shard.isData {
            try self.checkParity(shard, in: slot)
        } else if shard.index >= self.slots[slot].dataCount {
            // Native: a data shard beyond the k an earlier parity shard announced.
            self.counters.malformed += 1
            throw .invalidGeometry(index: shard.index, data: self.slots[slot].dataCount, parity: shard.parityCount)
        }

        if shard.isData {
            self.counters.dataShardsDelivered += 1
            delivered.append(datagram.getSlice(at: datagram.readerIndex + shard.payloadOffset, length: shard.payloadLength)!)
        } else {
            self.counters.parityShardsReceived += 1
        }
        self.slots[slot].present.insert(row)
        guard !self.slots[slot].isFinished else { return }
        self.store(shard, from: datagram, row: row, in: slot)
        self.finishIfPossible(slot, into: &delivered)
    }

    /// Drops groups older than the group lifetime.
    package mutating func expire(now: NIODeadline) {
        for index in self.slots.indices where self.slots[index].isUsed {
            if self.slots[index].firstSeen + self.configuration.groupLifetime <= now {
                self.release(index)
            }
        }
    }

    // MARK: - Parsing

    private func parse(_ datagram: ByteBuffer) throws(FECShardError) -> Shard {
        let length = datagram.readableBytes
        let start = datagram.readerIndex
        let capacity = self.configuration.rowCapacity
        switch self.configuration.layout {
        case .kcp:
            guard length >= 6 else { throw .truncated(length: length) }
            let sequence = datagram.getInteger(at: start, endianness: .little, as: UInt32.self)!
            let kind = datagram.getInteger(at: start + 4, endianness: .little, as: UInt16.self)!
            let total = UInt32(self.configuration.dataShards + self.configuration.parityShards)
            let place = Int(sequence % total)
            var shard = Shard(
                isData: true, group: sequence / total, index: place, dataCount: self.configuration.dataShards,
                parityCount: self.configuration.parityShards, rowOffset: 6, rowLength: length - 6, payloadOffset: 8,
                payloadLength: length - 8)
            switch kind {
            case 0xF1:
                guard length >= 8 else { throw .truncated(length: length) }
                let size = Int(datagram.getInteger(at: start + 6, endianness: .little, as: UInt16.self)!)
                guard size == length - 6 else { throw .sizeMismatch(field: size, actual: length - 6) }
                guard length - 6 <= capacity else { throw .tooLarge(length: length - 6, limit: capacity) }
                // kcp-go's decoder ignores shards at or beyond the wrap, and a data shard at a parity place means
                // the peer's D and P differ (kcp-go then auto-tunes); the data itself is still good.
                shard.isUnfiled = sequence >= self.configuration.sequenceWrap || place >= self.configuration.dataShards
            case 0xF2:
                guard length - 6 <= capacity else { throw .tooLarge(length: length - 6, limit: capacity) }
                shard.isData = false
                shard.index = place - self.configuration.dataShards
                shard.isUnfiled = sequence >= self.configuration.sequenceWrap || place < self.configuration.dataShards
            default:
                throw .unknownKind(kind)
            }
            return shard
        case .native:
            guard length >= 8 else { throw .truncated(length: length) }
            let kind = datagram.getInteger(at: start, as: UInt8.self)!
            let index = Int(datagram.getInteger(at: start + 1, as: UInt8.self)!)
            let dataCount = Int(datagram.getInteger(at: start + 2, as: UInt8.self)!)
            let parityCount = Int(datagram.getInteger(at: start + 3, as: UInt8.self)!)
            let group = datagram.getInteger(at: start + 4, endianness: .little, as: UInt32.self)!
            let isData: Bool
            switch kind {
            case 0xD1: isData = true
            case 0xD2: isData = false
            default: throw .unknownKind(UInt16(kind))
            }
            guard dataCount >= 1, parityCount >= 1, dataCount <= self.configuration.dataShards,
                parityCount <= self.configuration.parityShards, index < (isData ? dataCount : parityCount)
            else { throw .invalidGeometry(index: index, data: dataCount, parity: parityCount) }
            if isData {
                guard length - 8 <= self.configuration.maxPayloadSize else {
                    throw .tooLarge(length: length - 8, limit: self.configuration.maxPayloadSize)
                }
                return Shard(
                    isData: true, group: group, index: index, dataCount: dataCount, parityCount: parityCount,
                    rowOffset: 8, rowLength: length - 8 + 2, payloadOffset: 8, payloadLength: length - 8)
            }
            guard length - 8 >= 2 else { throw .truncated(length: length) }
            guard length - 8 <= capacity else { throw .tooLarge(length: length - 8, limit: capacity) }
            return Shard(
                isData: false, group: group, index: index, dataCount: dataCount, parityCount: parityCount,
                rowOffset: 8, rowLength: length - 8, payloadOffset: 8, payloadLength: 0)
        }
    }

    private mutating func deliverUnfiled(_ shard: Shard, from datagram: ByteBuffer, into delivered: inout [ByteBuffer]) {
        guard shard.isData else { return }
        self.counters.dataShardsDelivered += 1
        delivered.append(datagram.getSlice(at: datagram.readerIndex + shard.payloadOffset, length: shard.payloadLength)!)
    }

    // MARK: - Groups

    /// How many groups `group` is behind `newer` (negative: ahead), in signed 32-bit arithmetic on the wire's
    /// sequence numbers.
    private func distance(from group: UInt32, to newer: UInt32) -> Int {
        switch self.configuration.layout {
        case .kcp:
            // kcp-go compares seqids of the groups' first shards, which wrap at `paws`, not at 2^32.
            let total = UInt32(self.configuration.dataShards + self.configuration.parityShards)
            return Int(Int32(bitPattern: newer &* total &- group &* total)) / Int(total)
        case .native:
            return Int(Int32(bitPattern: newer &- group))
        }
    }

    /// The slot of the shard's group, taken now if it is new; nil if the group is too old to keep.
    private mutating func slot(for shard: Shard, now: NIODeadline) -> Int? {
        let group = shard.group
        if let index = self.slots.firstIndex(where: { $0.isUsed && $0.group == group }) { return index }
        let window = self.configuration.maxGroups
        if let newest = self.newestGroup {
            let behind = self.distance(from: group, to: newest)
            if behind > window { return nil }
            if behind < 0 {
                self.newestGroup = group
                for index in self.slots.indices
                where self.slots[index].isUsed && self.distance(from: self.slots[index].group, to: group) > window {
                    self.release(index)
                }
            }
        } else {
            self.newestGroup = group
        }
        let index =
            self.slots.firstIndex { !$0.isUsed }
            ?? self.slots.indices.max { a, b in
                self.distance(from: self.slots[a].group, to: self.newestGroup!)
                    < self.distance(from: self.slots[b].group, to: self.newestGroup!)
            }!
        if self.slots[index].isUsed { self.release(index) }
        self.open(index, group: group, now: now)
        // Until a parity shard says how many data shards the group was closed with, the sender's D holds.
        self.slots[index].dataCount = shard.dataCount
        self.slots[index].parityCount = shard.parityCount
        return index
    }

    private mutating func open(_ index: Int, group: UInt32, now: NIODeadline) {
        let rows = self.configuration.dataShards + self.configuration.parityShards
        if self.slots[index].rows.isEmpty {
            self.slots[index].rows = [UInt8](repeating: 0, count: rows * self.configuration.rowCapacity)
            self.slots[index].rowLengths = [Int](repeating: 0, count: rows)
        }
        self.slots[index].isUsed = true
        self.slots[index].group = group
        self.slots[index].firstSeen = now
        self.slots[index].present = ShardMask()
        self.slots[index].dataCount = self.configuration.dataShards
        self.slots[index].parityCount = self.configuration.parityShards
        self.slots[index].parityLength = nil
        self.slots[index].isFinished = false
    }

    /// Frees a slot, counting the group as expired if it still missed data.
    private mutating func release(_ index: Int) {
        if !self.slots[index].isFinished { self.counters.groupsExpired += 1 }
        self.slots[index].isUsed = false
    }

    /// Refuses a parity shard that disagrees with its group's earlier parity; records the group's shape from it.
    private mutating func checkParity(_ shard: Shard, in slot: Int) throws(FECShardError) {
        if let expected = self.slots[slot].parityLength {
            guard shard.rowLength == expected else {
                self.counters.malformed += 1
                throw .parityLengthMismatch(length: shard.rowLength, expected: expected)
            }
            guard shard.dataCount == self.slots[slot].dataCount, shard.parityCount == self.slots[slot].parityCount
            else {
                self.counters.malformed += 1
                throw .invalidGeometry(index: shard.index, data: shard.dataCount, parity: shard.parityCount)
            }
            return
        }
        // The group's data shards so far must fit in the k this parity announces.
        let dataSeen = self.slots[slot].present.count(below: self.configuration.dataShards)
        guard dataSeen == self.slots[slot].present.count(below: shard.dataCount) else {
            self.counters.malformed += 1
            throw .invalidGeometry(index: shard.index, data: shard.dataCount, parity: shard.parityCount)
        }
        self.slots[slot].parityLength = shard.rowLength
        self.slots[slot].dataCount = shard.dataCount
        self.slots[slot].parityCount = shard.parityCount
    }

    /// Copies a shard's row into its slot: a data row as its length field and payload.
    private mutating func store(_ shard: Shard, from datagram: ByteBuffer, row: Int, in slot: Int) {
        let capacity = self.configuration.rowCapacity
        let start = row * capacity
        let layout = self.configuration.layout
        datagram.withUnsafeReadableBytes { bytes in
            self.slots[slot].rows.withUnsafeMutableBytes { rows in
                if shard.isData && layout == .native {
                    let length = shard.payloadLength
                    rows[start] = UInt8(truncatingIfNeeded: length)
                    rows[start + 1] = UInt8(truncatingIfNeeded: length >> 8)
                    UnsafeMutableRawBufferPointer(rebasing: rows[(start + 2)..<(start + 2 + length)]).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + length)]))
                } else {
                    UnsafeMutableRawBufferPointer(rebasing: rows[start..<(start + shard.rowLength)]).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: bytes[shard.rowOffset..<(shard.rowOffset + shard.rowLength)]))
                }
            }
        }
        self.slots[slot].rowLengths[row] = shard.rowLength
    }

    /// Marks the group complete when all its data is in, or rebuilds the missing data when enough shards are.
    private mutating func finishIfPossible(_ slot: Int, into delivered: inout [ByteBuffer]) {
        let dataCount = self.slots[slot].dataCount
        let present = self.slots[slot].present
        let dataPresent = present.count(below: dataCount)
        if dataPresent == dataCount {
            self.slots[slot].isFinished = true
            self.counters.groupsComplete += 1
            return
        }
        let parityPresent = present.count(below: self.configuration.dataShards + self.slots[slot].parityCount)
            - present.count(below: self.configuration.dataShards)
        guard dataPresent + parityPresent >= dataCount, let length = self.slots[slot].parityLength else { return }
        self.slots[slot].isFinished = true
        if self.rebuild(slot, length: length, into: &delivered) {
            self.counters.groupsRecovered += 1
        } else {
            self.counters.groupsFailed += 1
        }
    }

    /// Rebuilds the missing data rows of a group whose parity rows are `length` bytes and delivers their payloads;
    /// false if the shards are inconsistent.
    private mutating func rebuild(_ slot: Int, length: Int, into delivered: inout [ByteBuffer]) -> Bool {
        let dataCount = self.slots[slot].dataCount
        let parityCount = self.slots[slot].parityCount
        let dataCapacity = self.configuration.dataShards
        let capacity = self.configuration.rowCapacity
        let present = self.slots[slot].present
        // Data rows are zero-padded to the parity's length, as the sender padded them; a longer one cannot belong.
        for row in 0..<dataCount where present.contains(row) {
            guard self.slots[slot].rowLengths[row] <= length else { return false }
        }
        let shape = CodecShape(data: dataCount, parity: parityCount)
        if self.codecs[shape] == nil {
            if self.codecs.count >= Self.codecCacheCapacity { self.codecs.removeAll() }
            // The shape was checked against the configuration, so it is a valid code.
            self.codecs[shape] = try! ReedSolomon(dataShards: dataCount, parityShards: parityCount)
        }
        var codecPresent = ShardMask()
        for row in 0..<dataCount where present.contains(row) { codecPresent.insert(row) }
        for parity in 0..<parityCount where present.contains(dataCapacity + parity) {
            codecPresent.insert(dataCount + parity)
        }
        let rowLengths = self.slots[slot].rowLengths
        var codec = self.codecs.removeValue(forKey: shape)!
        let rebuilt: Bool = self.slots[slot].rows.withUnsafeMutableBytes { rows in
            let base = rows.baseAddress!
            for row in 0..<dataCount where present.contains(row) && rowLengths[row] < length {
                (base + row * capacity + rowLengths[row]).initializeMemory(
                    as: UInt8.self, repeating: 0, count: length - rowLengths[row])
            }
            return withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: dataCount + parityCount) {
                pointers in
                for row in 0..<dataCount { pointers[row] = base + row * capacity }
                for parity in 0..<parityCount { pointers[dataCount + parity] = base + (dataCapacity + parity) * capacity }
                do {
                    try codec.reconstruct(shards: UnsafeBufferPointer(pointers), present: codecPresent, length: length)
                    return true
                } catch {
                    return false
                }
            }
        }
        self.codecs[shape] = codec
        guard rebuilt else { return false }

        var consistent = true
        for row in 0..<dataCount where !present.contains(row) {
            let start = row * capacity
            let field = self.slots[slot].rows.withUnsafeBytes { Int($0[start]) | (Int($0[start + 1]) << 8) }
            // kcp-go accepts a rebuilt shard whose size field is in 2...its length (sess.go `kcpInput`).
            let payloadLength = self.configuration.layout == .kcp ? field - 2 : field
            guard payloadLength >= 0, payloadLength + 2 <= length else {
                consistent = false
                continue
            }
            var payload = ByteBufferAllocator().buffer(capacity: payloadLength)
            self.slots[slot].rows.withUnsafeBytes {
                _ = payload.writeBytes(UnsafeRawBufferPointer(rebasing: $0[(start + 2)..<(start + 2 + payloadLength)]))
            }
            delivered.append(payload)
            self.slots[slot].present.insert(row)
            self.counters.recoveredShards += 1
        }
        return consistent
    }
}
