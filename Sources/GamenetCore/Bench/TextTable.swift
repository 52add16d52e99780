/// A plain-text table with a header row: the first column left-aligned, the others right-aligned, as numbers read.
package struct TextTable: Sendable {
    package var header: [String]
    package var rows: [[String]] = []

    package init(header: [String]) {
        self.header = header
    }

    package mutating func append(_ row: [String]) {
        precondition(row.count == self.header.count, "a row has one cell per column")
        self.rows.append(row)
    }

    /// The table, one line per row, columns two spaces apart, ending with a newline.
    package func rendered() -> String {
        let all = [self.header] + self.rows
        let widths = self.header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in all {
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }
            text += cells.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        return text
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
