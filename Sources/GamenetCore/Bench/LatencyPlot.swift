#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws latency percentile curves as a standalone SVG, the way HdrHistogram's plotter does: the percentile on a
/// logarithmic axis of 1 / (1 − p), so that 90%, 99%, 99.9% and 99.99% are evenly spaced and the tail is as
/// readable as the median; latency on a linear axis; one coloured curve per case with a legend.
package enum LatencyPlot {
    private static let width = 900.0
    private static let height = 540.0
    private static let left = 80.0
    private static let right = 220.0
    private static let top = 40.0
    private static let bottom = 60.0
    private static let colours = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ]

    /// The SVG document for `results`' curves, titled `title`.
    package static func svg(_ results: [LatencyResult], title: String) -> String {
        let series = results.compactMap { result -> (String, [[Double]])? in
            guard let curve = result.curve, !curve.isEmpty else { return nil }
            return ("\(result.label) \(result.size) B", curve)
        }
        // The x axis runs to the deepest percentile any curve reaches, at least 99.99%.
        let deepest = series.flatMap { $0.1 }.map { Self.nines($0[0]) }.filter(\.isFinite).max() ?? 0
        let decades = max(4, Int(deepest.rounded(.up)))
        let maximum = series.flatMap { $0.1 }.map { $0[1] }.max() ?? 1
        let yTop = Self.niceCeiling(maximum)
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        func x(_ percentile: Double) -> Double {
            Self.left + plotWidth * min(Self.nines(percentile), Double(decades)) / Double(decades)
        }
        func y(_ microseconds: Double) -> Double {
            Self.top + plotHeight * (1 - microseconds / yTop)
        }

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Self.width))" height="\(Int(Self.height))" \
            viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Self.number(Self.width / 2))" y="24" text-anchor="middle" font-size="16">\(Self.escaped(title))</text>

            """
        // Grid and axes.
        for decade in 0...decades {
            let percentile = 100 * (1 - pow(10, -Double(decade)))
            let px = Self.number(x(percentile))
            svg += "<line x1=\"\(px)\" y1=\"\(Self.number(Self.top))\" x2=\"\(px)\" "
            svg += "y2=\"\(Self.number(Self.top + plotHeight))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(px)\" y=\"\(Self.number(Self.top + plotHeight + 18))\" text-anchor=\"middle\">"
            svg += "\(Self.percentileLabel(decade))</text>\n"
        }
        for step in 0...5 {
            let value = yTop * Double(step) / 5
            let py = Self.number(y(value))
            svg += "<line x1=\"\(Self.number(Self.left))\" y1=\"\(py)\" x2=\"\(Self.number(Self.left + plotWidth))\" "
            svg += "y2=\"\(py)\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(Self.number(Self.left - 8))\" y=\"\(py)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
            svg += "\(LatencyTable.format(value))</text>\n"
        }
        svg += "<rect x=\"\(Self.number(Self.left))\" y=\"\(Self.number(Self.top))\" width=\"\(Self.number(plotWidth))\" "
        svg += "height=\"\(Self.number(plotHeight))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(Self.number(Self.left + plotWidth / 2))\" y=\"\(Self.number(Self.height - 16))\" "
        svg += "text-anchor=\"middle\">percentile</text>\n"
        svg += "<text x=\"20\" y=\"\(Self.number(Self.top + plotHeight / 2))\" text-anchor=\"middle\" "
        svg += "transform=\"rotate(-90 20 \(Self.number(Self.top + plotHeight / 2)))\">round-trip time (µs)</text>\n"

        // Curves and legend.
        for (index, (name, curve)) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let points = curve.map { "\(Self.number(x($0[0]))),\(Self.number(y($0[1])))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            let legendY = Self.top + 16 + Double(index) * 18
            let legendX = Self.left + plotWidth + 16
            svg += "<line x1=\"\(Self.number(legendX))\" y1=\"\(Self.number(legendY))\" "
            svg += "x2=\"\(Self.number(legendX + 24))\" y2=\"\(Self.number(legendY))\" stroke=\"\(colour)\" stroke-width=\"3\"/>\n"
            svg += "<text x=\"\(Self.number(legendX + 30))\" y=\"\(Self.number(legendY))\" dominant-baseline=\"middle\">"
            svg += "\(Self.escaped(name))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// How many nines a percentile has: log10(1 / (1 − p)); 90% is 1, 99.9% is 3, 100% is infinite.
    package static func nines(_ percentile: Double) -> Double {
        let remainder = 1 - percentile / 100
        guard remainder > 0 else { return .infinity }
        return -log10(remainder)
    }

    /// Text safe inside an XML element or attribute.
    package static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    private static func percentileLabel(_ decade: Int) -> String {
        switch decade {
        case 0: return "0%"
        case 1: return "90%"
        default: return "99." + String(repeating: "9", count: decade - 2) + "%"
        }
    }

    /// The smallest 1, 2 or 5 × 10ⁿ at or above `value`.
    private static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= value { magnitude *= 10 }
        while magnitude > value { magnitude /= 10 }
        for step in [1.0, 2.0, 5.0, 10.0] where step * magnitude >= value {
            return step * magnitude
        }
        return 10 * magnitude
    }

    private static func number(_ value: Double) -> String {
        LatencyTable.format(value, digits: 1)
    }
}
