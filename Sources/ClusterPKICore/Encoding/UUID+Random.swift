import Foundation

extension UUID {
    /// A version 4 (random) UUID from ``RandomBytes/sixteen()``: two getrandom(2) calls.
    ///
    /// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every UUID (four system calls and a
    /// file descriptor); the CSR path makes one per request.
    public static func random() -> UUID {
        var b = RandomBytes.sixteen()
        b[6] = (b[6] & 0x0f) | 0x40  // version 4
        b[8] = (b[8] & 0x3f) | 0x80  // RFC 4122 variant
        return UUID(
            uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        )
    }

    /// The 8-4-4-4-12 form in lowercase, as Kubernetes writes a `metadata.uid`: `uuidString.lowercased()` without
    /// Foundation's `snprintf` per UUID and the lowercasing pass over it (the CSR path writes one per request).
    public var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            [bytes[0..<4], bytes[4..<6], bytes[6..<8], bytes[8..<10], bytes[10..<16]].map(Hex.encode)
                .joined(separator: "-")
        }
    }
}
