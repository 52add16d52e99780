import GamenetCore
import Testing

/// Durations, rates, percentages and sizes as written on the command line.
@Suite struct UnitTests {
    // MARK: - Duration

    @Test(arguments: [
        ("100ns", Duration.nanoseconds(100)),
        ("250us", .microseconds(250)),
        ("250µs", .microseconds(250)),
        ("50ms", .milliseconds(50)),
        ("1.5s", .milliseconds(1500)),
        ("0.1s", .milliseconds(100)),
        ("2m", .seconds(120)),
        ("1h", .seconds(3600)),
        ("0s", .zero),
        ("007ms", .milliseconds(7)),
    ])
    func parsesDuration(text: String, expected: Duration) throws {
        #expect(try Duration(parsing: text) == expected)
    }

    @Test func fractionalNanosecondsRound() throws {
        #expect(try Duration(parsing: "1.5ns") == .nanoseconds(2))
        #expect(try Duration(parsing: "0.0004ms") == .nanoseconds(400))
    }

    @Test(arguments: ["50", "", "-5ms", "+5ms", "abc", "ms", "5 ms", "5MS", "5sec", ".5s", "5.s", "1.2.3s", "1e3ms"])
    func rejectsDuration(text: String) {
        #expect(throws: UnitParseError.self) { try Duration(parsing: text) }
    }

    @Test func bareNumberDurationMessage() throws {
        let error = try #require(throws: UnitParseError.self) { try Duration(parsing: "50") }
        #expect(error.description == "bad value '50', expected a duration such as 250us, 50ms, 1.5s or 2m")
        #expect(error.text == "50")
    }

    @Test func negativeDurationMessage() throws {
        let error = try #require(throws: UnitParseError.self) { try Duration(parsing: "-5ms") }
        #expect(error.description == "bad value '-5ms', expected a duration such as 250us, 50ms, 1.5s or 2m")
    }

    @Test func rejectsDurationTooLongForNIO() throws {
        // About 292 years is the most a signed 64-bit nanosecond count holds.
        #expect(throws: UnitParseError.self) { try Duration(parsing: "3000000h") }
        #expect(try Duration(parsing: "2000000h") == .seconds(7_200_000_000))
    }

    @Test(arguments: [
        (Duration.zero, "0ns"),
        (.nanoseconds(999), "999ns"),
        (.microseconds(1), "1us"),
        (.microseconds(250), "250us"),
        (.microseconds(1500), "1.5ms"),
        (.milliseconds(50), "50ms"),
        (.microseconds(12_345), "12.345ms"),
        (.milliseconds(1500), "1.5s"),
        (.seconds(120), "120s"),
        (.milliseconds(-50), "-50ms"),
    ])
    func durationShortDescription(duration: Duration, expected: String) {
        #expect(duration.shortDescription == expected)
    }

    @Test func shortDescriptionParsesBack() throws {
        for text in ["250us", "50ms", "1.5s", "999ns"] {
            #expect(try Duration(parsing: text).shortDescription == text)
        }
    }

    @Test func totalNanoseconds() {
        #expect(Duration.seconds(2).totalNanoseconds == 2_000_000_000)
        #expect(Duration.milliseconds(-3).totalNanoseconds == -3_000_000)
        #expect(Duration.nanoseconds(7).totalNanoseconds == 7)
        #expect(Duration.seconds(Int64.max).totalNanoseconds == .max)
        #expect(Duration.seconds(Int64.min).totalNanoseconds == .min)
    }

    // MARK: - Rate

    @Test(arguments: [
        ("512kbit", 64_000.0),
        ("10mbit", 1_250_000.0),
        ("1gbit", 125_000_000.0),
        ("8bit", 1.0),
        ("100kbps", 12_500.0),
        ("2MB/s", 2_000_000.0),
        ("64KiB/s", 65_536.0),
        ("1kB/s", 1000.0),
        ("3B/s", 3.0),
        ("1MiB/s", 1_048_576.0),
        ("1GiB/s", 1_073_741_824.0),
        ("1.5GB/s", 1_500_000_000.0),
    ])
    func parsesRate(text: String, bytesPerSecond: Double) throws {
        #expect(try Rate(parsing: text).bytesPerSecond == bytesPerSecond)
    }

    @Test(arguments: ["10", "10Mbit", "10mb", "fast", "-1mbit", "1 mbit", "2MB"])
    func rejectsRate(text: String) {
        #expect(throws: UnitParseError.self) { try Rate(parsing: text) }
    }

    @Test func bareNumberRateMessage() throws {
        let error = try #require(throws: UnitParseError.self) { try Rate(parsing: "10") }
        #expect(error.description == "bad value '10', expected a rate such as 512kbit, 10mbit, 1gbit or 2MB/s")
    }

    @Test(arguments: [
        (64_000.0, "512kbit"),
        (1_250_000.0, "10mbit"),
        (125_000_000.0, "1gbit"),
        (2_000_000.0, "16mbit"),
        (12.5, "100bit"),
        (187.5, "1.5kbit"),
    ])
    func rateDescription(bytesPerSecond: Double, expected: String) {
        #expect(Rate(bytesPerSecond: bytesPerSecond).description == expected)
    }

    @Test func ratesCompare() throws {
        #expect(try Rate(parsing: "1mbit") < Rate(parsing: "1MB/s"))
    }

    // MARK: - Percentage

    @Test(arguments: [
        ("2%", 0.02),
        ("0.02", 0.02),
        ("100%", 1.0),
        ("0%", 0.0),
        ("0", 0.0),
        ("1", 1.0),
        ("12.5%", 0.125),
    ])
    func parsesPercentage(text: String, fraction: Double) throws {
        #expect(try Percentage(parsing: text).fraction == fraction)
    }

    @Test(arguments: ["101%", "1.5", "abc", "", "-1%", "2 %", "2‰", "%"])
    func rejectsPercentage(text: String) {
        #expect(throws: UnitParseError.self) { try Percentage(parsing: text) }
    }

    @Test func outOfRangePercentageMessage() throws {
        let error = try #require(throws: UnitParseError.self) { try Percentage(parsing: "101%") }
        #expect(
            error.description
                == "bad value '101%', expected a percentage such as 2% or a fraction such as 0.02, between 0 and 100%"
        )
    }

    @Test(arguments: [(0.02, "2%"), (0.125, "12.5%"), (1.0, "100%"), (0.0, "0%"), (0.00001, "0.001%")])
    func percentageDescription(fraction: Double, expected: String) {
        #expect(Percentage(fraction: fraction).description == expected)
    }

    // MARK: - ByteCount

    @Test(arguments: [
        ("1200", 1200),
        ("0", 0),
        ("10B", 10),
        ("1kB", 1000),
        ("1KB", 1000),
        ("64KiB", 65_536),
        ("1MB", 1_000_000),
        ("1.5MiB", 1_572_864),
        ("1GB", 1_000_000_000),
        ("1GiB", 1_073_741_824),
        ("0.5B", 1),
    ])
    func parsesByteCount(text: String, bytes: Int) throws {
        #expect(try ByteCount(parsing: text).bytes == bytes)
    }

    @Test(arguments: ["12XB", "64kib", "1 MB", "-1", "MB", "", "1e6", "99999999999999GiB"])
    func rejectsByteCount(text: String) {
        #expect(throws: UnitParseError.self) { try ByteCount(parsing: text) }
    }

    @Test func badUnitByteCountMessage() throws {
        let error = try #require(throws: UnitParseError.self) { try ByteCount(parsing: "12XB") }
        #expect(error.description == "bad value '12XB', expected a size such as 1200, 64KiB, 1MB or 1GiB")
        #expect(error.expected == "a size such as 1200, 64KiB, 1MB or 1GiB")
    }

    @Test(arguments: [
        (1200, "1200"),
        (1024, "1KiB"),
        (65_536, "64KiB"),
        (1_572_864, "1536KiB"),
        (1_048_576, "1MiB"),
        (1_073_741_824, "1GiB"),
        (1_000_000, "1000000"),
        (0, "0"),
    ])
    func byteCountDescription(bytes: Int, expected: String) {
        #expect(ByteCount(bytes: bytes).description == expected)
    }

    @Test func byteCountDescriptionParsesBack() throws {
        for bytes in [0, 1, 1200, 1024, 65_536, 1_572_864, 1 << 30, 3 << 30] {
            let count = ByteCount(bytes: bytes)
            #expect(try ByteCount(parsing: count.description) == count)
        }
    }

    @Test func byteCountsCompare() throws {
        #expect(try ByteCount(parsing: "1MB") < ByteCount(parsing: "1MiB"))
        #expect(try ByteCount(parsing: "1000KB") == ByteCount(parsing: "1MB"))
    }
}
