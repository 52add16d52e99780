/// Arithmetic in GF(2^8) with the reducing polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) and generator 2: the field
/// of klauspost/reedsolomon (`galois.go`, `generatingPolynomial = 29`), Backblaze JavaReedSolomon and so kcp-go.
///
/// Addition is XOR. Multiplication goes through logarithm tables for the matrix work, and through one 256-byte row of
/// ``multiplicationTable`` per coefficient for the shard work, where it is the inner loop.
package enum GaloisField {
    /// The reducing polynomial without its x^8 term.
    package static let polynomial: UInt16 = 0x11D

    /// `exponents[i]` = 2^i, for i in 0..<510, doubled so that a sum of two logarithms needs no reduction mod 255.
    private static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value: UInt16 = 1
        for power in 0..<255 {
            table[power] = UInt8(value)
            table[power + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 {
                value ^= GaloisField.polynomial
            }
        }
        return table
    }()

    /// `logarithms[x]` = log2(x) for x ≠ 0; `logarithms[0]` is unused.
    private static let logarithms: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for power in 0..<255 {
            table[Int(exponents[power])] = UInt8(power)
        }
        return table
    }()

    /// The product of every pair, row `a` holding `a × x` at column `x`: 64 KiB, allocated once and never freed, so
    /// that the coding loops can index it through a raw pointer without retain or bounds-check traffic.
    // Written once, before first use, and only read after that.
    nonisolated(unsafe) package static let multiplicationTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256 * 256)
        for a in 0..<256 {
            for x in 0..<256 {
                table[a &* 256 &+ x] = GaloisField.slowMultiply(UInt8(a), UInt8(x))
            }
        }
        return UnsafePointer(table)
    }()

    /// The row of ``multiplicationTable`` that multiplies by `coefficient`.
    @inline(__always)
    package static func multiplicationRow(_ coefficient: UInt8) -> UnsafePointer<UInt8> {
        multiplicationTable + Int(coefficient) &* 256
    }

    /// `a × b`.
    package static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponents[Int(logarithms[Int(a)]) + Int(logarithms[Int(b)])]
    }

    /// `a / b`; `b` must not be zero.
    package static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 {
        precondition(b != 0, "division by zero in GF(2^8)")
        if a == 0 { return 0 }
        return exponents[Int(logarithms[Int(a)]) + 255 - Int(logarithms[Int(b)])]
    }

    /// `1 / a`; `a` must not be zero.
    package static func inverse(_ a: UInt8) -> UInt8 {
        divide(1, a)
    }

    /// `base` raised to `exponent`, with 0^0 = 1 as in klauspost's `galExp` (the Vandermonde matrix needs it).
    package static func power(_ base: UInt8, _ exponent: Int) -> UInt8 {
        if exponent == 0 { return 1 }
        if base == 0 { return 0 }
        return exponents[(Int(logarithms[Int(base)]) * exponent) % 255]
    }

    /// Carry-less multiplication reduced by the polynomial, bit by bit: the definition the tables are built from.
    private static func slowMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product: UInt16 = 0
        var multiplicand = UInt16(a)
        var multiplier = b
        while multiplier != 0 {
            if multiplier & 1 != 0 { product ^= multiplicand }
            multiplicand <<= 1
            if multiplicand & 0x100 != 0 { multiplicand ^= polynomial }
            multiplier >>= 1
        }
        return UInt8(product)
    }
}
