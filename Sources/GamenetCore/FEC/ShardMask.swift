/// A set of shard indices in 0..<256, as four 64-bit words: which shards of a Reed-Solomon group are present.
package struct ShardMask: Hashable, Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The empty set.
    package init() {}

    /// The set of `indices`.
    package init<S: Sequence>(_ indices: S) where S.Element == Int {
        for index in indices { self.insert(index) }
    }

    /// The indices 0..<count.
    package static func first(_ count: Int) -> ShardMask {
        ShardMask(0..<count)
    }

    package func contains(_ index: Int) -> Bool {
        precondition((0..<256).contains(index), "a shard index is in 0..<256")
        return self.word(index >> 6) & (1 << UInt64(index & 63)) != 0
    }

    package mutating func insert(_ index: Int) {
        precondition((0..<256).contains(index), "a shard index is in 0..<256")
        self.setWord(index >> 6, self.word(index >> 6) | (1 << UInt64(index & 63)))
    }

    package mutating func remove(_ index: Int) {
        precondition((0..<256).contains(index), "a shard index is in 0..<256")
        self.setWord(index >> 6, self.word(index >> 6) & ~(1 << UInt64(index & 63)))
    }

    /// How many indices the set holds.
    package var count: Int {
        self.words.0.nonzeroBitCount + self.words.1.nonzeroBitCount + self.words.2.nonzeroBitCount
            + self.words.3.nonzeroBitCount
    }

    /// How many of the indices 0..<limit the set holds.
    package func count(below limit: Int) -> Int {
        var total = 0
        for word in 0..<4 {
            let low = word * 64
            if limit <= low { break }
            let bits = limit - low >= 64 ? self.word(word) : self.word(word) & ((1 << UInt64(limit - low)) - 1)
            total += bits.nonzeroBitCount
        }
        return total
    }

    package static func == (lhs: ShardMask, rhs: ShardMask) -> Bool {
        lhs.words == rhs.words
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(self.words.0)
        hasher.combine(self.words.1)
        hasher.combine(self.words.2)
        hasher.combine(self.words.3)
    }

    private func word(_ index: Int) -> UInt64 {
        switch index {
        case 0: self.words.0
        case 1: self.words.1
        case 2: self.words.2
        default: self.words.3
        }
    }

    private mutating func setWord(_ index: Int, _ value: UInt64) {
        switch index {
        case 0: self.words.0 = value
        case 1: self.words.1 = value
        case 2: self.words.2 = value
        default: self.words.3 = value
        }
    }
}
