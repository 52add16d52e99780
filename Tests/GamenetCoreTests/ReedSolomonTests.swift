import GamenetCore
import Testing

/// Reed-Solomon coding: the matrix and parity of klauspost/reedsolomon and Backblaze, and recovery from every
/// erasure pattern a group can survive.
@Suite struct ReedSolomonTests {
    @Test func fieldTablesAgreeWithTheDefinition() {
        // 0x11D: 2^8 = 0x1D, and 0x80 × 2 wraps to 0x1D.
        #expect(GaloisField.multiply(0x80, 2) == 0x1D)
        #expect(GaloisField.power(2, 8) == 0x1D)
        #expect(GaloisField.power(0, 0) == 1)
        for a in 1...255 {
            let x = UInt8(a)
            #expect(GaloisField.multiply(x, GaloisField.inverse(x)) == 1)
            #expect(GaloisField.multiplicationRow(x)[7] == GaloisField.multiply(x, 7))
        }
    }

    /// kcptun's default 10+3: the parity rows kcp-go's `reedsolomon.New(10, 3)` codes with.
    @Test func parityRowsOfTenPlusThreeMatchKlauspost() throws {
        let codec = try ReedSolomon(dataShards: 10, parityShards: 3)
        #expect(hex(codec.matrix.row(10)) == "8196afb8d2c4fee80302")
        #expect(hex(codec.matrix.row(11)) == "9681b8afc4d2e8fe0203")
        #expect(hex(codec.matrix.row(12)) == "bfd6620a066fdfb70504")
        for r in 0..<10 {
            #expect(codec.matrix.row(r) == (0..<10).map { $0 == r ? 1 : 0 })
        }
    }

    @Test func parityRowsOfFourPlusTwo() throws {
        let codec = try ReedSolomon(dataShards: 4, parityShards: 2)
        #expect(hex(codec.matrix.row(4)) == "1b1c1214")
        #expect(hex(codec.matrix.row(5)) == "1c1b1412")
    }

    /// Backblaze JavaReedSolomon `ReedSolomonTest.testOneEncode`, also in klauspost's tests.
    @Test func backblazeFivePlusFiveVector() throws {
        let codec = try ReedSolomon(dataShards: 5, parityShards: 5)
        var shards: [[UInt8]] = [[0, 1], [4, 5], [2, 3], [6, 7], [8, 9]] + Array(repeating: [0, 0], count: 5)
        codec.encode(&shards)
        #expect(shards[5] == [12, 13])
        #expect(shards[6] == [10, 11])
        #expect(shards[7] == [14, 15])
        #expect(shards[8] == [90, 91])
        #expect(shards[9] == [94, 95])
    }

    @Test func rejectsImpossibleShardCounts() {
        #expect(throws: ReedSolomonError.invalidShardCounts(data: 0, parity: 1)) {
            try ReedSolomon(dataShards: 0, parityShards: 1)
        }
        #expect(throws: ReedSolomonError.invalidShardCounts(data: 1, parity: 0)) {
            try ReedSolomon(dataShards: 1, parityShards: 0)
        }
        #expect(throws: ReedSolomonError.invalidShardCounts(data: 200, parity: 57)) {
            try ReedSolomon(dataShards: 200, parityShards: 57)
        }
    }

    /// Every pattern of up to P erased shards, for small geometries, recovers every shard.
    @Test(arguments: [(1, 1), (3, 2), (4, 4), (10, 3), (5, 5), (2, 6)])
    func everyErasurePatternRecovers(data: Int, parity: Int) throws {
        var codec = try ReedSolomon(dataShards: data, parityShards: parity, decodeCacheCapacity: 8)
        var generator = SplitMix64(seed: UInt64(data * 1000 + parity))
        // 37 bytes: words and a tail.
        var shards = (0..<data).map { _ in generator.bytes(37) } + Array(repeating: [UInt8](repeating: 0, count: 37), count: parity)
        codec.encode(&shards)
        var patterns = 0
        for erasures in 0...parity {
            for erased in combinations(of: data + parity, choosing: erasures) {
                var damaged: [[UInt8]?] = shards
                for index in erased { damaged[index] = nil }
                try codec.reconstruct(&damaged)
                #expect(damaged.map { $0! } == shards, "erased \(erased)")
                patterns += 1
            }
        }
        #expect(patterns == (0...parity).reduce(0) { $0 + binomial(data + parity, $1) })
        #expect(codec.cachedDecodeMatrices <= 8)
    }

    /// Larger geometries: seeded random patterns of exactly P erasures.
    @Test(arguments: [(20, 10), (50, 20), (128, 128), (255, 1), (1, 255)])
    func randomErasurePatternsRecover(data: Int, parity: Int) throws {
        var codec = try ReedSolomon(dataShards: data, parityShards: parity)
        var generator = SplitMix64(seed: UInt64(data * 1000 + parity))
        var shards = (0..<data).map { _ in generator.bytes(21) } + Array(repeating: [UInt8](repeating: 0, count: 21), count: parity)
        codec.encode(&shards)
        for _ in 0..<20 {
            var indices = Array(0..<(data + parity))
            indices.shuffle(using: &generator)
            var damaged: [[UInt8]?] = shards
            for index in indices.prefix(parity) { damaged[index] = nil }
            try codec.reconstruct(&damaged)
            #expect(damaged.map { $0! } == shards)
        }
    }

    @Test func tooFewShardsIsAnError() throws {
        var codec = try ReedSolomon(dataShards: 4, parityShards: 2)
        var shards: [[UInt8]?] = [[1], nil, nil, nil, [5], [6]]
        #expect(throws: ReedSolomonError.tooFewShards(present: 3, needed: 4)) { try codec.reconstruct(&shards) }
    }

    /// Rows in one buffer with a stride larger than the shard, the layout the FEC layer uses; the gap is untouched.
    @Test func stridedEncodeAndReconstructLeaveTheGapAlone() throws {
        var codec = try ReedSolomon(dataShards: 3, parityShards: 2)
        var generator = SplitMix64(seed: 3)
        let length = 100
        let stride = 128
        var slab = generator.bytes(5 * stride)
        let original = slab
        try slab.withUnsafeMutableBytes { try codec.encode($0, shardLength: length, stride: stride) }
        let encoded = slab
        for row in 0..<5 {
            #expect(slab[(row * stride + length)..<((row + 1) * stride)] == original[(row * stride + length)..<((row + 1) * stride)])
        }
        // Erase data rows 0 and 2 and rebuild them.
        for row in [0, 2] {
            for i in (row * stride)..<(row * stride + length) { slab[i] = 0xEE }
        }
        try slab.withUnsafeMutableBytes {
            try codec.reconstruct($0, shardLength: length, stride: stride, present: ShardMask([1, 3, 4]))
        }
        #expect(slab == encoded)
        #expect(throws: ReedSolomonError.bufferTooSmall) {
            try slab.withUnsafeMutableBytes { try codec.encode(UnsafeMutableRawBufferPointer(rebasing: $0[0..<300]), shardLength: length, stride: stride) }
        }
    }

    /// Shards longer than one coding chunk (16 KiB) and not a multiple of eight.
    @Test func largeShardsRoundTrip() throws {
        var codec = try ReedSolomon(dataShards: 4, parityShards: 3)
        var generator = SplitMix64(seed: 11)
        var shards = (0..<4).map { _ in generator.bytes(40_003) } + Array(repeating: [UInt8](repeating: 0, count: 40_003), count: 3)
        codec.encode(&shards)
        var damaged: [[UInt8]?] = shards
        damaged[0] = nil
        damaged[2] = nil
        damaged[5] = nil
        try codec.reconstruct(&damaged)
        #expect(damaged.map { $0! } == shards)
    }

    @Test func decodeCacheStaysWithinItsCapacity() throws {
        var codec = try ReedSolomon(dataShards: 6, parityShards: 3, decodeCacheCapacity: 4)
        let shards = Array(repeating: [UInt8](repeating: 9, count: 8), count: 9)
        for erased in combinations(of: 6, choosing: 2) {
            var damaged: [[UInt8]?] = shards
            for index in erased { damaged[index] = nil }
            try codec.reconstruct(&damaged)
            #expect(codec.cachedDecodeMatrices <= 4)
        }
        #expect(codec.cachedDecodeMatrices == 4)
    }
}

/// Lowercase hexadecimal of `bytes`.
func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
}

/// Every subset of `choosing` elements of 0..<count, in lexicographic order.
func combinations(of count: Int, choosing size: Int) -> [[Int]] {
    guard size > 0 else { return [[]] }
    guard size <= count else { return [] }
    var result: [[Int]] = []
    var current = Array(0..<size)
    while true {
        result.append(current)
        var i = size - 1
        while i >= 0 && current[i] == count - size + i { i -= 1 }
        if i < 0 { return result }
        current[i] += 1
        for j in (i + 1)..<size { current[j] = current[j - 1] + 1 }
    }
}

func binomial(_ n: Int, _ k: Int) -> Int {
    guard k >= 0, k <= n else { return 0 }
    var result = 1
    for i in 0..<k { result = result * (n - i) / (i + 1) }
    return result
}
