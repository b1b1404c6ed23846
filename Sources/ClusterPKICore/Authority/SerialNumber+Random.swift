import X509

extension Certificate.SerialNumber {
    /// A random positive serial of 16 bytes: the DER INTEGER never needs a sign octet, so it stays
    /// within RFC 5280's 20 octets (swift-certificates' default can produce 21).
    public static func randomPositive() -> Certificate.SerialNumber {
        // Two 64-bit draws: each draw of the system generator is a getrandom(2) call, and sixteen one-byte draws
        // were sixteen system calls per signed certificate.
        var generator = SystemRandomNumberGenerator()
        let high = generator.next(), low = generator.next()
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: high >> (8 * $0)) }
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: low >> (8 * $0)) }
        bytes[0] = (bytes[0] & 0x7f) | 0x01  // top bit clear (positive), never zero
        return Certificate.SerialNumber(bytes: bytes)
    }
}
