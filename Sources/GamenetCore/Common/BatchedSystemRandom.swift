#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating system's cryptographic random numbers, fetched 512 bytes at a time.
///
/// `SystemRandomNumberGenerator` makes a system call for every number; a WebSocket client needs an unpredictable
/// masking key for every frame (RFC 6455 §5.3), and one `getrandom` per frame costs more than masking a small frame.
/// The bytes are the kernel's either way; only the number of calls changes.
package struct BatchedSystemRandom: RandomNumberGenerator {
    private var words: [UInt64]
    private var position: Int

    /// Holds nothing until the first number is asked for: a WebSocket server's handler has a generator it never uses.
    package init() {
        self.words = []
        self.position = 0
    }

    package mutating func next() -> UInt64 {
        if self.position == self.words.count {
            self.refill()
        }
        defer { self.position += 1 }
        return self.words[self.position]
    }

    private mutating func refill() {
        if self.words.isEmpty {
            self.words = Array(repeating: 0, count: 64)
        }
        #if canImport(Glibc) || canImport(Darwin)
        // arc4random_buf: the kernel's randomness (glibc 2.36 and later, and Darwin), any length in one call.
        self.words.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
        #else
        var system = SystemRandomNumberGenerator()
        for index in self.words.indices { self.words[index] = system.next() }
        #endif
        self.position = 0
    }
}
