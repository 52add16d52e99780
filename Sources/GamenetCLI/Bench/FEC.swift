import ArgumentParser
import GamenetCore

extension GamenetCommand.Bench {
    /// `gamenet bench fec`: how fast Reed-Solomon encodes and reconstructs on one core.
    struct FEC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fec",
            abstract: "Measure Reed-Solomon FEC encode and reconstruct throughput on one core.",
            discussion: """
                Codes groups of --data shards of --shard-size bytes with --parity parity shards, in one thread, \
                for --duration each: encoding makes the parity of a group; decoding rebuilds the group's first \
                --parity data shards (all of them if there are fewer) from the rest. Throughput counts the data \
                bytes of each group, in MB/s (10^6 bytes), as zfec and klauspost/reedsolomon report it.
                Example:
                  gamenet bench fec --data 10 --parity 3 --shard-size 1300 --duration 2s --json
                """
        )

        /// D, the data shards of a group.
        @Option(help: "Data shards per group.")
        var data = 10

        /// P, the parity shards of a group.
        @Option(help: "Parity shards per group.")
        var parity = 3

        @Option(help: "Bytes per shard.")
        var shardSize = ByteCount(bytes: 1300)

        @Option(help: "How long to measure encoding, and then decoding.")
        var duration = Duration.seconds(2)

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func validate() throws {
            guard self.data >= 1, self.parity >= 1, self.data + self.parity <= 256 else {
                throw ValidationError("--data and --parity must be at least 1, and at most 256 together")
            }
            guard (1...(64 << 20)).contains(self.shardSize.bytes) else {
                throw ValidationError("--shard-size must be 1 byte to 64 MiB")
            }
            guard self.duration > .zero else { throw ValidationError("--duration must be positive") }
        }

        func run() async throws {
            var codec = try ReedSolomon(dataShards: self.data, parityShards: self.parity)
            let length = self.shardSize.bytes
            let total = self.data + self.parity
            var generator = SplitMix64(seed: 1)
            var slab = generator.bytes(total * length)
            let dataBytes = self.data * length
            // Enough groups between two readings of the clock for about a millisecond of work at 1 GB/s.
            let batch = max(1, 1_000_000 / dataBytes)

            let encode = try slab.withUnsafeMutableBytes { buffer in
                try Self.measure(for: self.duration, batch: batch) {
                    try codec.encode(buffer, shardLength: length, stride: length)
                }
            }
            let encoded = slab

            let erased = min(self.parity, self.data)
            var present = ShardMask.first(total)
            for index in 0..<erased { present.remove(index) }
            for index in 0..<(erased * length) { slab[index] = 0 }
            let decode = try slab.withUnsafeMutableBytes { buffer in
                try Self.measure(for: self.duration, batch: batch) {
                    try codec.reconstruct(buffer, shardLength: length, stride: length, present: present)
                }
            }
            guard slab == encoded else {
                throw GamenetError(.internalError, "reconstructed shards differ from the encoded ones")
            }

            let encodeRate = Double(encode.groups * dataBytes) / encode.seconds / 1e6
            let decodeRate = Double(decode.groups * dataBytes) / decode.seconds / 1e6
            if self.json {
                StandardOutput.printLine(
                    "{\"data\":\(self.data),\"parity\":\(self.parity),\"shardSize\":\(length),"
                        + "\"encodeMBps\":\(Self.format(encodeRate)),\"decodeMBps\":\(Self.format(decodeRate)),"
                        + "\"encodeGroups\":\(encode.groups),\"decodeGroups\":\(decode.groups),"
                        + "\"erasedShards\":\(erased)}")
            } else {
                StandardOutput.printLine(
                    "Reed-Solomon \(self.data)+\(self.parity), \(length)-byte shards, one core:")
                StandardOutput.printLine("  encode \(Self.format(encodeRate)) MB/s of data (\(encode.groups) groups)")
                StandardOutput.printLine(
                    "  decode \(Self.format(decodeRate)) MB/s of data, \(erased) data shards rebuilt per group "
                        + "(\(decode.groups) groups)")
            }
        }

        /// Runs `work` in batches of `batch` until `duration` has passed; the groups coded and the seconds taken.
        private static func measure(
            for duration: Duration,
            batch: Int,
            _ work: () throws -> Void
        ) rethrows -> (groups: Int, seconds: Double) {
            let clock = ContinuousClock()
            // One batch untimed, so that tables and caches are warm.
            for _ in 0..<batch { try work() }
            let start = clock.now
            var groups = 0
            var elapsed = Duration.zero
            repeat {
                for _ in 0..<batch { try work() }
                groups += batch
                elapsed = clock.now - start
            } while elapsed < duration
            let parts = elapsed.components
            return (groups, Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
        }

        private static func format(_ value: Double) -> String {
            let tenths = (value * 10).rounded()
            return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
        }
    }
}
