/// Random bytes from the system generator in 64-bit draws: each draw is one getrandom(2) call, so a byte-by-byte
/// `UInt8.random` costs a system call per byte.
public enum RandomBytes {
    /// Sixteen random bytes: two draws.
    public static func sixteen() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next(), low = generator.next()
        return (0..<16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? high : low) >> (8 * ($0 % 8))) }
    }
}
