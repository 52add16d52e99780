/// A matrix over ``GaloisField``, stored row by row.
package struct GaloisMatrix: Hashable, Sendable {
    package let rows: Int
    package let columns: Int
    /// Row-major elements: element (r, c) is at `r * columns + c`.
    package private(set) var elements: [UInt8]

    /// A matrix of zeros.
    package init(rows: Int, columns: Int) {
        precondition(rows > 0 && columns > 0, "a matrix needs at least one row and one column")
        self.rows = rows
        self.columns = columns
        self.elements = [UInt8](repeating: 0, count: rows * columns)
    }

    /// A matrix from its rows, which must all have the same length.
    package init(_ rows: [[UInt8]]) {
        self.init(rows: rows.count, columns: rows.first?.count ?? 0)
        for (r, row) in rows.enumerated() {
            precondition(row.count == self.columns, "rows of different lengths")
            for (c, value) in row.enumerated() { self[r, c] = value }
        }
    }

    /// The identity matrix of `size`.
    package static func identity(size: Int) -> GaloisMatrix {
        var matrix = GaloisMatrix(rows: size, columns: size)
        for i in 0..<size { matrix[i, i] = 1 }
        return matrix
    }

    /// The Vandermonde matrix V[r][c] = r^c (0^0 = 1), as klauspost/reedsolomon's `vandermonde` builds it: any
    /// `columns` of its rows are linearly independent while `rows` ≤ 256.
    package static func vandermonde(rows: Int, columns: Int) -> GaloisMatrix {
        var matrix = GaloisMatrix(rows: rows, columns: columns)
        for r in 0..<rows {
            for c in 0..<columns { matrix[r, c] = GaloisField.power(UInt8(truncatingIfNeeded: r), c) }
        }
        return matrix
    }

    package subscript(row: Int, column: Int) -> UInt8 {
        get { self.elements[row * self.columns + column] }
        set { self.elements[row * self.columns + column] = newValue }
    }

    /// Row `index` as an array.
    package func row(_ index: Int) -> [UInt8] {
        Array(self.elements[(index * self.columns)..<((index + 1) * self.columns)])
    }

    /// The rows `range` as a matrix.
    package func rows(_ range: Range<Int>) -> GaloisMatrix {
        var result = GaloisMatrix(rows: range.count, columns: self.columns)
        for (target, source) in range.enumerated() {
            for c in 0..<self.columns { result[target, c] = self[source, c] }
        }
        return result
    }

    /// The product `self × other`.
    package func multiplied(by other: GaloisMatrix) -> GaloisMatrix {
        precondition(self.columns == other.rows, "matrix dimensions do not agree")
        var result = GaloisMatrix(rows: self.rows, columns: other.columns)
        for r in 0..<self.rows {
            for c in 0..<other.columns {
                var sum: UInt8 = 0
                for k in 0..<self.columns { sum ^= GaloisField.multiply(self[r, k], other[k, c]) }
                result[r, c] = sum
            }
        }
        return result
    }

    /// The inverse of a square matrix by Gauss-Jordan elimination, or nil when it is singular.
    package func inverted() -> GaloisMatrix? {
        precondition(self.rows == self.columns, "only a square matrix has an inverse")
        let size = self.rows
        var work = self
        var inverse = GaloisMatrix.identity(size: size)
        for column in 0..<size {
            // A row at or below the diagonal with a non-zero pivot.
            guard let pivot = (column..<size).first(where: { work[$0, column] != 0 }) else { return nil }
            if pivot != column {
                work.swapRows(pivot, column)
                inverse.swapRows(pivot, column)
            }
            let scale = GaloisField.inverse(work[column, column])
            if scale != 1 {
                work.scaleRow(column, by: scale)
                inverse.scaleRow(column, by: scale)
            }
            for other in 0..<size where other != column {
                let factor = work[other, column]
                if factor != 0 {
                    work.addRow(column, multipliedBy: factor, to: other)
                    inverse.addRow(column, multipliedBy: factor, to: other)
                }
            }
        }
        return inverse
    }

    private mutating func swapRows(_ a: Int, _ b: Int) {
        for c in 0..<self.columns {
            let value = self[a, c]
            self[a, c] = self[b, c]
            self[b, c] = value
        }
    }

    private mutating func scaleRow(_ row: Int, by factor: UInt8) {
        for c in 0..<self.columns { self[row, c] = GaloisField.multiply(self[row, c], factor) }
    }

    /// Row `target` += `factor` × row `source` (subtraction and addition are the same in GF(2^8)).
    private mutating func addRow(_ source: Int, multipliedBy factor: UInt8, to target: Int) {
        for c in 0..<self.columns { self[target, c] ^= GaloisField.multiply(self[source, c], factor) }
    }
}
