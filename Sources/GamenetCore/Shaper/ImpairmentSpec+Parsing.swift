extension ImpairmentSpec {
    /// The keywords a spec string may use.
    package static let keywords = [
        "none", "delay", "distribution", "jitter-reorders", "wave", "loss", "duplicate", "reorder", "corrupt", "rate",
        "outage",
    ]

    /// Parses a netem-style spec, applying each clause on top of `base`:
    ///
    /// ```
    /// none                                  (changes nothing; `description` writes it for pass-through)
    /// delay TIME [JITTER [CORRELATION]] [distribution uniform|normal|pareto|paretonormal|exponential]
    /// jitter-reorders
    /// wave sine|square AMPLITUDE PERIOD
    /// loss [random] PERCENT [CORRELATION] [burst MEAN-LENGTH]
    /// loss gemodel P [R [1-H [1-K]]]
    /// duplicate PERCENT [CORRELATION] [COPY-DELAY]
    /// reorder PERCENT [CORRELATION] [EXTRA-DELAY] [gap N]
    /// corrupt PERCENT [CORRELATION]
    /// rate RATE [burst SIZE] [queue SIZE]
    /// outage DURATION@START[/EVERY]
    /// ```
    ///
    /// Optional arguments are told apart by their form: a time has a unit (`10ms`), a percentage a `%` or no unit.
    ///
    /// - Throws: ``ImpairmentSpecParseError`` naming the offending token.
    package init(parsing text: String, base: ImpairmentSpec = ImpairmentSpec()) throws(ImpairmentSpecParseError) {
        var parser = SpecTokens(text)
        var spec = base
        while let keyword = parser.next() {
            switch keyword {
            case "none":
                break
            case "delay":
                spec.delay = try parser.duration(after: keyword)
                if let jitter = parser.optionalDuration() {
                    spec.jitter = jitter
                    if let correlation = try parser.optionalPercentage() {
                        spec.delayCorrelation = correlation
                    }
                }
                if parser.peek() == "distribution" {
                    _ = parser.next()
                    spec.distribution = try parser.distribution()
                }
            case "distribution":
                spec.distribution = try parser.distribution()
            case "jitter-reorders":
                spec.jitterReorders = true
            case "wave":
                let shapeToken = try parser.required(after: keyword, "a shape, sine or square")
                guard let shape = DelayWave.Shape(rawValue: shapeToken) else {
                    throw ImpairmentSpecParseError(token: shapeToken, "expected a wave shape, sine or square")
                }
                // Errors name the tokens as written, not as reformatted.
                let amplitudeToken = parser.peek() ?? shapeToken
                let amplitude = try parser.duration(after: shapeToken)
                let periodToken = parser.peek() ?? amplitudeToken
                let period = try parser.duration(after: amplitudeToken)
                guard period > .zero else {
                    throw ImpairmentSpecParseError(token: periodToken, "a wave's period must be longer than 0")
                }
                spec.wave = DelayWave(shape: shape, amplitude: amplitude, period: period)
            case "loss":
                spec.loss = try parser.lossModel()
            case "duplicate":
                spec.duplicate = try parser.percentage(after: keyword)
                if let correlation = try parser.optionalPercentage() {
                    spec.duplicateCorrelation = correlation
                }
                if let copyDelay = parser.optionalDuration() {
                    spec.duplicateDelay = copyDelay
                }
            case "reorder":
                spec.reorder = try parser.percentage(after: keyword)
                if let correlation = try parser.optionalPercentage() {
                    spec.reorderCorrelation = correlation
                }
                if let extraDelay = parser.optionalDuration() {
                    spec.reorderDelay = extraDelay
                }
                if parser.peek() == "gap" {
                    _ = parser.next()
                    spec.reorderGap = try parser.count(after: "gap")
                }
            case "corrupt":
                spec.corrupt = try parser.percentage(after: keyword)
                if let correlation = try parser.optionalPercentage() {
                    spec.corruptCorrelation = correlation
                }
            case "rate":
                let token = try parser.required(after: keyword, "a rate such as 1mbit")
                do {
                    spec.rate = try Rate(parsing: token)
                } catch {
                    throw ImpairmentSpecParseError(token: token, "expected \(error.expected)")
                }
                guard spec.rate!.bytesPerSecond > 0 else {
                    throw ImpairmentSpecParseError(token: token, "a rate must be more than 0")
                }
                while let option = parser.peek(), option == "burst" || option == "queue" {
                    _ = parser.next()
                    let size = try parser.size(after: option)
                    if option == "burst" { spec.burst = size } else { spec.queueLimit = size }
                }
            case "outage":
                spec.outages.append(try parser.outage())
            default:
                throw ImpairmentSpecParseError(
                    token: keyword,
                    "unknown impairment, expected one of \(Self.keywords.joined(separator: ", "))"
                )
            }
        }
        self = spec
    }
}

/// The tokens of a spec string and the typed readers the clauses use.
private struct SpecTokens {
    private var tokens: [Substring]
    private var index = 0

    init(_ text: String) {
        self.tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
    }

    func peek() -> String? {
        self.index < self.tokens.count ? String(self.tokens[self.index]) : nil
    }

    mutating func next() -> String? {
        defer { self.index += 1 }
        return self.peek()
    }

    mutating func required(after keyword: String, _ what: String) throws(ImpairmentSpecParseError) -> String {
        guard let token = self.next() else {
            throw ImpairmentSpecParseError(token: keyword, "expected \(what) after it")
        }
        return token
    }

    mutating func duration(after keyword: String) throws(ImpairmentSpecParseError) -> Duration {
        let token = try self.required(after: keyword, "a time such as 50ms")
        do {
            return try Duration(parsing: token)
        } catch {
            throw ImpairmentSpecParseError(token: token, "expected \(error.expected), not negative")
        }
    }

    /// The next token as a duration if it is one, consumed only then.
    mutating func optionalDuration() -> Duration? {
        guard let token = self.peek(), let duration = try? Duration(parsing: token) else { return nil }
        self.index += 1
        return duration
    }

    mutating func percentage(after keyword: String) throws(ImpairmentSpecParseError) -> Double {
        let token = try self.required(after: keyword, "a percentage such as 2%")
        return try Self.percentage(token)
    }

    /// The next token as a percentage if it looks like a number; a number out of range is an error.
    mutating func optionalPercentage() throws(ImpairmentSpecParseError) -> Double? {
        guard let token = self.peek(), let first = token.first, first.isNumber || first == "." || first == "-" else {
            return nil
        }
        // A time is not a percentage: `duplicate 1% 10ms` has no correlation.
        if (try? Duration(parsing: token)) != nil { return nil }
        self.index += 1
        return try Self.percentage(token)
    }

    private static func percentage(_ token: String) throws(ImpairmentSpecParseError) -> Double {
        do {
            return try Percentage(parsing: token).fraction
        } catch {
            throw ImpairmentSpecParseError(token: token, "expected \(error.expected)")
        }
    }

    mutating func count(after keyword: String) throws(ImpairmentSpecParseError) -> Int {
        let token = try self.required(after: keyword, "a whole number")
        guard let value = Int(token), value >= 1 else {
            throw ImpairmentSpecParseError(token: token, "expected a whole number of at least 1")
        }
        return value
    }

    mutating func size(after keyword: String) throws(ImpairmentSpecParseError) -> ByteCount {
        let token = try self.required(after: keyword, "a size such as 64KiB")
        do {
            return try ByteCount(parsing: token)
        } catch {
            throw ImpairmentSpecParseError(token: token, "expected \(error.expected)")
        }
    }

    mutating func distribution() throws(ImpairmentSpecParseError) -> DelayDistribution {
        let names = DelayDistribution.allCases.map(\.rawValue).joined(separator: ", ")
        let token = try self.required(after: "distribution", "one of \(names)")
        guard let distribution = DelayDistribution(rawValue: token) else {
            throw ImpairmentSpecParseError(token: token, "unknown distribution, expected one of \(names)")
        }
        return distribution
    }

    mutating func lossModel() throws(ImpairmentSpecParseError) -> LossModel {
        if self.peek() == "gemodel" {
            _ = self.next()
            let p = try self.percentage(after: "gemodel")
            // netem's defaults: r = 1 − p, 1 − h = 100%, 1 − k = 0%.
            let r = try self.optionalPercentage() ?? (1 - p)
            let lossInBad = try self.optionalPercentage() ?? 1
            let lossInGood = try self.optionalPercentage() ?? 0
            return .gilbertElliott(p: p, r: r, lossInBad: lossInBad, lossInGood: lossInGood)
        }
        if self.peek() == "random" {
            _ = self.next()
        }
        let probability = try self.percentage(after: "loss")
        let correlation = try self.optionalPercentage() ?? 0
        if self.peek() == "burst" {
            _ = self.next()
            let token = try self.required(after: "burst", "a mean burst length such as 3")
            guard let length = Double(token), length >= 1, length.isFinite else {
                throw ImpairmentSpecParseError(token: token, "expected a mean burst length of at least 1 packet")
            }
            guard probability < 1 else { return .random(probability: 1, correlation: 0) }
            return .bursts(lossRate: probability, meanBurstLength: length)
        }
        return probability == 0 ? .none : .random(probability: probability, correlation: correlation)
    }

    mutating func outage() throws(ImpairmentSpecParseError) -> Outage {
        let token = try self.required(after: "outage", "DURATION@START, as in 5s@30s")
        let expected = "expected DURATION@START[/EVERY], as in 5s@30s or 5s@30s/60s"
        let parts = token.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { throw ImpairmentSpecParseError(token: token, expected) }
        let timing = parts[1].split(separator: "/", maxSplits: 1)
        guard let duration = try? Duration(parsing: String(parts[0])),
            let start = try? Duration(parsing: String(timing[0]))
        else {
            throw ImpairmentSpecParseError(token: token, expected)
        }
        var every: Duration?
        if timing.count == 2 {
            guard let value = try? Duration(parsing: String(timing[1])), value > duration else {
                throw ImpairmentSpecParseError(token: token, "the repeat interval must be longer than the outage")
            }
            every = value
        }
        return Outage(duration: duration, start: start, every: every)
    }
}
