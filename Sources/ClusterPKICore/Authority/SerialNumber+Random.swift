import X509

extension Certificate.SerialNumber {
    /// A random positive serial of 16 bytes: the DER INTEGER never needs a sign octet, so it stays
    /// within RFC 5280's 20 octets (swift-certificates' default can produce 21).
    public static func randomPositive() -> Certificate.SerialNumber {
        var bytes = RandomBytes.sixteen()  // two getrandom calls, not sixteen
        bytes[0] = (bytes[0] & 0x7f) | 0x01  // top bit clear (positive), never zero
        return Certificate.SerialNumber(bytes: bytes)
    }
}
