extension ImpairmentSpec: CustomStringConvertible {
    /// The spec as a string that ``init(parsing:base:)`` reads back to an equal spec; `none` for pass-through.
    ///
    /// Values are written in their short forms (`50ms`, `2%`, `1mbit`) where those are exact, and with more digits
    /// where they are not, so a spec logged for a field report replays exactly.
    package var description: String {
        var clauses: [String] = []
        if self.delay != .zero || self.jitter != .zero {
            var clause = "delay \(self.delay.exactShortDescription)"
            if self.jitter != .zero {
                clause += " \(self.jitter.exactShortDescription)"
                if self.delayCorrelation > 0 { clause += " \(Self.percent(self.delayCorrelation))" }
            }
            clauses.append(clause)
        }
        if self.distribution != .uniform { clauses.append("distribution \(self.distribution.rawValue)") }
        if self.jitterReorders { clauses.append("jitter-reorders") }
        if let wave = self.wave {
            clauses.append(
                "wave \(wave.shape.rawValue) \(wave.amplitude.exactShortDescription) "
                    + wave.period.exactShortDescription
            )
        }
        switch self.loss {
        case .none:
            break
        case .random(let probability, let correlation):
            clauses.append(
                "loss \(Self.percent(probability))" + (correlation > 0 ? " \(Self.percent(correlation))" : "")
            )
        case .gilbertElliott(let p, let r, let lossInBad, let lossInGood):
            if let bursts = Self.burstsClause(self.loss) {
                clauses.append(bursts)
            } else {
                clauses.append(
                    "loss gemodel \(Self.percent(p)) \(Self.percent(r)) \(Self.percent(lossInBad)) "
                        + Self.percent(lossInGood)
                )
            }
        }
        if self.duplicate > 0 {
            var clause = "duplicate \(Self.percent(self.duplicate))"
            if self.duplicateCorrelation > 0 { clause += " \(Self.percent(self.duplicateCorrelation))" }
            if self.duplicateDelay != .zero { clause += " \(self.duplicateDelay.exactShortDescription)" }
            clauses.append(clause)
        }
        if self.reorder > 0 {
            var clause = "reorder \(Self.percent(self.reorder))"
            if self.reorderCorrelation > 0 { clause += " \(Self.percent(self.reorderCorrelation))" }
            clause += " \(self.reorderDelay.exactShortDescription)"
            if self.reorderGap > 0 { clause += " gap \(self.reorderGap)" }
            clauses.append(clause)
        }
        if self.corrupt > 0 {
            clauses.append(
                "corrupt \(Self.percent(self.corrupt))"
                    + (self.corruptCorrelation > 0 ? " \(Self.percent(self.corruptCorrelation))" : "")
            )
        }
        if let rate = self.rate {
            var clause = "rate \(Self.rate(rate))"
            if let burst = self.burst { clause += " burst \(burst)" }
            if let queue = self.queueLimit { clause += " queue \(queue)" }
            clauses.append(clause)
        }
        for outage in self.outages {
            clauses.append("outage \(outage)")
        }
        return clauses.isEmpty ? "none" : clauses.joined(separator: " ")
    }

    /// `fraction` as a percentage that parses back to exactly `fraction`: `2%` where that short form is exact, else
    /// the percentage with every digit it needs, else the bare fraction (which the parser reads without scaling).
    private static func percent(_ fraction: Double) -> String {
        func isExact(_ text: String) -> Bool {
            (try? Percentage(parsing: text).fraction) == fraction
        }
        let short = Percentage(fraction: fraction).description
        if isExact(short) { return short }
        // The parser divides by 100, so the nearest Double to fraction·100 may be an ulp or two off.
        var scaled = fraction * 100
        scaled = scaled.nextDown.nextDown
        for _ in 0..<5 {
            if let digits = plainDecimal(scaled), isExact(digits + "%") { return digits + "%" }
            scaled = scaled.nextUp
        }
        if let digits = plainDecimal(fraction), isExact(digits) { return digits }
        return short
    }

    /// `rate` in its short form if exact, else in bytes per second with every digit.
    private static func rate(_ rate: Rate) -> String {
        let short = rate.description
        if (try? Rate(parsing: short))?.bytesPerSecond == rate.bytesPerSecond { return short }
        if let digits = plainDecimal(rate.bytesPerSecond), (try? Rate(parsing: digits + "B/s")) == rate {
            return digits + "B/s"
        }
        return short
    }

    /// A Gilbert-Elliott model written as `loss RATE burst LENGTH`, if it is exactly what that clause parses to.
    private static func burstsClause(_ model: LossModel) -> String? {
        guard case .gilbertElliott(let p, let r, lossInBad: 1, lossInGood: 0) = model, r > 0, r <= 1, p > 0 else {
            return nil
        }
        let rate = p / (p + r)
        let length = 1 / r
        var rates = [Percentage(fraction: rate).description]
        let exactRate = Self.percent(rate)
        if exactRate != rates[0] { rates.append(exactRate) }
        var lengths = [Self.trimmed(length)]
        if let exact = plainDecimal(length), exact != lengths[0] { lengths.append(exact) }
        for rateText in rates {
            guard let parsedRate = try? Percentage(parsing: rateText).fraction, parsedRate < 1 else { continue }
            for lengthText in lengths {
                guard let parsedLength = Double(lengthText), parsedLength >= 1 else { continue }
                if LossModel.bursts(lossRate: parsedRate, meanBurstLength: parsedLength) == model {
                    return "loss \(rateText) burst \(lengthText)"
                }
            }
        }
        return nil
    }

    /// `value` with at most three decimals and no trailing zeros: `3`, `1.5`.
    private static func trimmed(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }
}

extension Duration {
    /// ``shortDescription`` if it parses back to this duration, else the whole number of nanoseconds (`1234567ns`).
    var exactShortDescription: String {
        let short = self.shortDescription
        if (try? Duration(parsing: short)) == self { return short }
        return "\(self.totalNanoseconds)ns"
    }
}

/// The shortest decimal digits that read back as `value`, without an exponent (`0.0000125`, not `1.25e-05`), as the
/// unit parsers accept them; `nil` for a negative or non-finite value.
private func plainDecimal(_ value: Double) -> String? {
    guard value.isFinite, value >= 0 else { return nil }
    let text = "\(value)"
    guard let exponentIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
    guard let exponent = Int(text[text.index(after: exponentIndex)...]) else { return nil }
    let mantissa = text[..<exponentIndex]
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    let integer = String(parts[0])
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    var digits = integer + fraction
    // The decimal point sits after `integer.count + exponent` digits.
    var point = integer.count + exponent
    if point <= 0 {
        digits = String(repeating: "0", count: -point + 1) + digits
        point = 1
    } else if point > digits.count {
        digits += String(repeating: "0", count: point - digits.count)
    }
    let whole = digits.prefix(point)
    let decimals = digits.dropFirst(point).reversed().drop(while: { $0 == "0" }).reversed()
    return decimals.isEmpty ? String(whole) : "\(whole).\(String(decimals))"
}
