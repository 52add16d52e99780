/// Systematic Reed-Solomon erasure coding over ``GaloisField``: `dataShards` equal-length shards gain
/// `parityShards` parity shards, and any `dataShards` of the `dataShards + parityShards` give back all of them.
///
/// The encoding matrix is the one klauspost/reedsolomon builds by default (`reedsolomon.New`, `buildMatrix`), which
/// is also Backblaze JavaReedSolomon's: the (D+P)×D Vandermonde matrix multiplied by the inverse of its top D×D
/// square, so that its top is the identity (data shards go out unchanged) and its bottom P rows make the parity.
/// kcp-go codes its FEC groups with exactly that matrix, so parity made here recovers kcp-go's shards and back.
///
/// The coding loops work on buffers the caller owns and allocate nothing: one row of the 64 KiB multiplication table
/// per coefficient, applied eight bytes at a time. The inverse matrices that reconstruction needs are kept per
/// pattern of present shards, up to ``decodeCacheCapacity`` patterns.
package struct ReedSolomon: Sendable {
    package let dataShards: Int
    package let parityShards: Int
    /// The (D+P)×D encoding matrix.
    package let matrix: GaloisMatrix
    /// How many inverted decode matrices are kept; beyond that the oldest is dropped.
    package let decodeCacheCapacity: Int

    package var totalShards: Int { self.dataShards + self.parityShards }

    /// The bottom P rows of ``matrix``, row-major.
    private let parityCoefficients: [UInt8]
    private var decodeCache: [ShardMask: [UInt8]] = [:]
    /// The keys of ``decodeCache`` in insertion order, for eviction.
    private var decodeCacheOrder: [ShardMask] = []
    private var decodeCacheNextEviction = 0

    /// Bytes of each shard coded per pass over the inputs, so that large shards stay in cache between the outputs.
    private static let chunkLength = 16 * 1024

    /// - Parameters:
    ///   - dataShards: D, at least 1.
    ///   - parityShards: P, at least 1, with D + P ≤ 256.
    ///   - decodeCacheCapacity: how many erasure patterns' decode matrices to keep.
    package init(dataShards: Int, parityShards: Int, decodeCacheCapacity: Int = 64) throws(ReedSolomonError) {
        guard dataShards >= 1, parityShards >= 1, dataShards + parityShards <= 256 else {
            throw .invalidShardCounts(data: dataShards, parity: parityShards)
        }
        self.dataShards = dataShards
        self.parityShards = parityShards
        self.decodeCacheCapacity = max(1, decodeCacheCapacity)
        let vandermonde = GaloisMatrix.vandermonde(rows: dataShards + parityShards, columns: dataShards)
        // The top square of a Vandermonde matrix with distinct rows is never singular.
        let topInverse = vandermonde.rows(0..<dataShards).inverted()!
        self.matrix = vandermonde.multiplied(by: topInverse)
        self.parityCoefficients = Array(self.matrix.elements[(dataShards * dataShards)...])
    }

    // MARK: - Encoding

    /// Computes the parity shards of `shards`, laid out in one buffer: shard `i` occupies bytes
    /// `i * stride ..< i * stride + shardLength`; rows 0..<D are read, rows D..<D+P are written.
    package func encode(_ shards: UnsafeMutableRawBufferPointer, shardLength: Int, stride: Int) throws(ReedSolomonError) {
        guard shardLength >= 0, stride >= shardLength,
            shardLength == 0 || shards.count >= (self.totalShards - 1) * stride + shardLength
        else { throw .bufferTooSmall }
        guard shardLength > 0, let base = shards.baseAddress else { return }
        withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: self.dataShards) { inputs in
            withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: self.parityShards) { outputs in
                for i in 0..<self.dataShards { inputs[i] = UnsafeRawPointer(base + i * stride) }
                for p in 0..<self.parityShards { outputs[p] = base + (self.dataShards + p) * stride }
                self.parityCoefficients.withUnsafeBufferPointer { coefficients in
                    Self.code(
                        coefficients: coefficients.baseAddress!, inputs: UnsafeBufferPointer(inputs),
                        outputs: UnsafeBufferPointer(outputs), length: shardLength)
                }
            }
        }
    }

    /// Computes the parity shards from the data shards, each `length` bytes at the given addresses.
    package func encode(
        data: UnsafeBufferPointer<UnsafeRawPointer>,
        parity: UnsafeBufferPointer<UnsafeMutableRawPointer>,
        length: Int
    ) {
        precondition(data.count == self.dataShards && parity.count == self.parityShards, "wrong number of shards")
        guard length > 0 else { return }
        self.parityCoefficients.withUnsafeBufferPointer { coefficients in
            Self.code(coefficients: coefficients.baseAddress!, inputs: data, outputs: parity, length: length)
        }
    }

    /// Fills the parity shards of `shards` (D data shards then P parity shards, all of one length).
    package func encode(_ shards: inout [[UInt8]]) {
        precondition(shards.count == self.totalShards, "wrong number of shards")
        let length = shards[0].count
        precondition(shards.allSatisfy { $0.count == length }, "shards of different lengths")
        var slab = [UInt8](repeating: 0, count: length * self.totalShards)
        for i in 0..<self.dataShards { slab.replaceSubrange((i * length)..<((i + 1) * length), with: shards[i]) }
        slab.withUnsafeMutableBytes { try! self.encode($0, shardLength: length, stride: length) }
        for p in self.dataShards..<self.totalShards { shards[p] = Array(slab[(p * length)..<((p + 1) * length)]) }
    }

    // MARK: - Reconstruction

    /// Rebuilds the missing shards of `shards`, laid out as for ``encode(_:shardLength:stride:)``, from those in
    /// `present`. Missing data shards are always rebuilt; missing parity shards only with `includingParity`.
    /// Bytes of the missing rows are overwritten; present rows are only read.
    package mutating func reconstruct(
        _ shards: UnsafeMutableRawBufferPointer,
        shardLength: Int,
        stride: Int,
        present: ShardMask,
        includingParity: Bool = false
    ) throws(ReedSolomonError) {
        guard shardLength >= 0, stride >= shardLength,
            shardLength == 0 || shards.count >= (self.totalShards - 1) * stride + shardLength
        else { throw .bufferTooSmall }
        let base = shards.baseAddress
        try withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: self.totalShards) {
            (rows) throws(ReedSolomonError) in
            for i in 0..<self.totalShards {
                // A zero-length buffer may have no address; nothing is read or written through it then.
                rows[i] = base.map { $0 + i * stride } ?? UnsafeMutableRawPointer(bitPattern: 1)!
            }
            try self.reconstruct(
                shards: UnsafeBufferPointer(rows), present: present, length: shardLength,
                includingParity: includingParity)
        }
    }

    /// Rebuilds the missing shards among `shards` (D + P addresses of `length` bytes each) from those in `present`.
    package mutating func reconstruct(
        shards: UnsafeBufferPointer<UnsafeMutableRawPointer>,
        present: ShardMask,
        length: Int,
        includingParity: Bool = false
    ) throws(ReedSolomonError) {
        precondition(shards.count == self.totalShards, "wrong number of shards")
        let presentCount = present.count(below: self.totalShards)
        guard presentCount >= self.dataShards else {
            throw .tooFewShards(present: presentCount, needed: self.dataShards)
        }
        let presentData = present.count(below: self.dataShards)
        if presentData < self.dataShards, length > 0 {
            self.reconstructData(shards: shards, present: present, length: length, missing: self.dataShards - presentData)
        }
        guard includingParity, presentCount < self.totalShards, length > 0 else { return }
        let missingParity = (self.dataShards..<self.totalShards).filter { !present.contains($0) }
        withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: self.dataShards) { inputs in
            withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: 1) { output in
                for i in 0..<self.dataShards { inputs[i] = UnsafeRawPointer(shards[i]) }
                self.parityCoefficients.withUnsafeBufferPointer { coefficients in
                    for p in missingParity {
                        output[0] = shards[p]
                        Self.code(
                            coefficients: coefficients.baseAddress! + (p - self.dataShards) * self.dataShards,
                            inputs: UnsafeBufferPointer(inputs), outputs: UnsafeBufferPointer(output), length: length)
                    }
                }
            }
        }
    }

    /// Rebuilds shards as arrays: `nil` marks a missing shard; present shards must all have one length.
    package mutating func reconstruct(_ shards: inout [[UInt8]?], includingParity: Bool = true) throws(ReedSolomonError) {
        precondition(shards.count == self.totalShards, "wrong number of shards")
        let length = shards.compactMap { $0?.count }.first ?? 0
        precondition(shards.allSatisfy { $0 == nil || $0!.count == length }, "shards of different lengths")
        var present = ShardMask()
        var slab = [UInt8](repeating: 0, count: max(1, length * self.totalShards))
        for (i, shard) in shards.enumerated() {
            guard let shard else { continue }
            present.insert(i)
            slab.replaceSubrange((i * length)..<((i + 1) * length), with: shard)
        }
        var failure: ReedSolomonError?
        slab.withUnsafeMutableBytes { buffer in
            do throws(ReedSolomonError) {
                try self.reconstruct(
                    buffer, shardLength: length, stride: length, present: present, includingParity: includingParity)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        for i in 0..<self.totalShards where shards[i] == nil && (includingParity || i < self.dataShards) {
            shards[i] = Array(slab[(i * length)..<((i + 1) * length)])
        }
    }

    /// Rebuilds the missing data shards from the first D present shards: the rows of ``matrix`` for those shards form
    /// a square matrix whose inverse maps them back to the data (klauspost's `reconstruct`).
    private mutating func reconstructData(
        shards: UnsafeBufferPointer<UnsafeMutableRawPointer>,
        present: ShardMask,
        length: Int,
        missing: Int
    ) {
        var used = ShardMask()
        var chosen = 0
        var index = 0
        while chosen < self.dataShards {
            if present.contains(index) {
                used.insert(index)
                chosen += 1
            }
            index += 1
        }
        let decode = self.decodeMatrix(for: used)
        withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: self.dataShards) { inputs in
            withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: 1) { output in
                var slot = 0
                for i in 0..<self.totalShards where used.contains(i) {
                    inputs[slot] = UnsafeRawPointer(shards[i])
                    slot += 1
                }
                decode.withUnsafeBufferPointer { coefficients in
                    for i in 0..<self.dataShards where !present.contains(i) {
                        output[0] = shards[i]
                        Self.code(
                            coefficients: coefficients.baseAddress! + i * self.dataShards,
                            inputs: UnsafeBufferPointer(inputs), outputs: UnsafeBufferPointer(output), length: length)
                    }
                }
            }
        }
    }

    /// The inverse of the rows of ``matrix`` in `used` (D of them), from the cache or computed and cached.
    private mutating func decodeMatrix(for used: ShardMask) -> [UInt8] {
        if let cached = self.decodeCache[used] { return cached }
        var rows = GaloisMatrix(rows: self.dataShards, columns: self.dataShards)
        var target = 0
        for source in 0..<self.totalShards where used.contains(source) {
            for c in 0..<self.dataShards { rows[target, c] = self.matrix[source, c] }
            target += 1
        }
        // Any D rows of a matrix derived from a Vandermonde matrix with distinct rows are independent.
        let inverse = rows.inverted()!.elements
        if self.decodeCacheOrder.count < self.decodeCacheCapacity {
            self.decodeCacheOrder.append(used)
        } else {
            self.decodeCache[self.decodeCacheOrder[self.decodeCacheNextEviction]] = nil
            self.decodeCacheOrder[self.decodeCacheNextEviction] = used
            self.decodeCacheNextEviction = (self.decodeCacheNextEviction + 1) % self.decodeCacheCapacity
        }
        self.decodeCache[used] = inverse
        return inverse
    }

    /// How many decode matrices are cached now.
    package var cachedDecodeMatrices: Int { self.decodeCache.count }

    // MARK: - Coding loop

    /// outputs[o] = Σ coefficients[o × inputs.count + i] × inputs[i], over `length` bytes.
    private static func code(
        coefficients: UnsafePointer<UInt8>,
        inputs: UnsafeBufferPointer<UnsafeRawPointer>,
        outputs: UnsafeBufferPointer<UnsafeMutableRawPointer>,
        length: Int
    ) {
        let inputCount = inputs.count
        var start = 0
        while start < length {
            let count = min(Self.chunkLength, length - start)
            for o in 0..<outputs.count {
                let output = outputs[o] + start
                let row = coefficients + o * inputCount
                Self.multiply(row[0], input: inputs[0] + start, into: output, count: count)
                for i in 1..<max(1, inputCount) {
                    Self.multiplyAdd(row[i], input: inputs[i] + start, into: output, count: count)
                }
            }
            start += count
        }
    }

    /// output = coefficient × input.
    @inline(__always)
    private static func multiply(_ coefficient: UInt8, input: UnsafeRawPointer, into output: UnsafeMutableRawPointer, count: Int) {
        switch coefficient {
        case 0:
            output.initializeMemory(as: UInt8.self, repeating: 0, count: count)
        case 1:
            output.copyMemory(from: input, byteCount: count)
        default:
            let table = GaloisField.multiplicationRow(coefficient)
            var offset = 0
            while offset &+ 8 <= count {
                let word = input.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                output.storeBytes(of: Self.lookUp(word, in: table), toByteOffset: offset, as: UInt64.self)
                offset &+= 8
            }
            while offset < count {
                output.storeBytes(
                    of: table[Int(input.load(fromByteOffset: offset, as: UInt8.self))], toByteOffset: offset,
                    as: UInt8.self)
                offset &+= 1
            }
        }
    }

    /// output ^= coefficient × input.
    @inline(__always)
    private static func multiplyAdd(_ coefficient: UInt8, input: UnsafeRawPointer, into output: UnsafeMutableRawPointer, count: Int) {
        switch coefficient {
        case 0:
            return
        case 1:
            var offset = 0
            while offset &+ 8 <= count {
                let word = input.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let sum = output.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                output.storeBytes(of: sum ^ word, toByteOffset: offset, as: UInt64.self)
                offset &+= 8
            }
            while offset < count {
                let sum = output.load(fromByteOffset: offset, as: UInt8.self)
                output.storeBytes(of: sum ^ input.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
                offset &+= 1
            }
        default:
            let table = GaloisField.multiplicationRow(coefficient)
            var offset = 0
            while offset &+ 8 <= count {
                let word = input.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let sum = output.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                output.storeBytes(of: sum ^ Self.lookUp(word, in: table), toByteOffset: offset, as: UInt64.self)
                offset &+= 8
            }
            while offset < count {
                let sum = output.load(fromByteOffset: offset, as: UInt8.self)
                let product = table[Int(input.load(fromByteOffset: offset, as: UInt8.self))]
                output.storeBytes(of: sum ^ product, toByteOffset: offset, as: UInt8.self)
                offset &+= 1
            }
        }
    }

    /// The eight bytes of `word`, each replaced by its entry in `table`.
    @inline(__always)
    private static func lookUp(_ word: UInt64, in table: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(table[Int(truncatingIfNeeded: word & 0xFF)])
            | UInt64(table[Int(truncatingIfNeeded: (word &>> 8) & 0xFF)]) &<< 8
            | UInt64(table[Int(truncatingIfNeeded: (word &>> 16) & 0xFF)]) &<< 16
            | UInt64(table[Int(truncatingIfNeeded: (word &>> 24) & 0xFF)]) &<< 24
            | UInt64(table[Int(truncatingIfNeeded: (word &>> 32) & 0xFF)]) &<< 32
            | UInt64(table[Int(truncatingIfNeeded: (word &>> 40) & 0xFF)]) &<< 40
            | UInt64(table[Int(truncatingIfNeeded: (word &>> 48) & 0xFF)]) &<< 48
            | UInt64(table[Int(truncatingIfNeeded: word &>> 56)]) &<< 56
    }
}
