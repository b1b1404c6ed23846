/// Go's `base64.StdEncoding.Decode` as `encoding/pem` uses it: the standard alphabet with `=` padding, line breaks
/// skipped anywhere, non-zero trailing bits accepted (Go's encoding is not `Strict()`).
enum GoBase64 {
    /// The decoded bytes, or nil where Go reports a `CorruptInputError`. Spaces and tabs are skipped too, as
    /// `pem.Decode` removes them before decoding.
    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var quantum: UInt32 = 0
        var count = 0  // characters of the current quantum
        var padding = 0  // `=` seen; once a quantum is padded, only whitespace may follow
        let values = Self.values
        for byte in text {
            let value = values[Int(byte)]
            if value < 64 {
                guard padding == 0 else { return nil }
                quantum = quantum << 6 | UInt32(value)
                count += 1
                if count == 4 {
                    // Three appends, not an array literal: a literal allocated once per quantum.
                    output.append(UInt8(truncatingIfNeeded: quantum >> 16))
                    output.append(UInt8(truncatingIfNeeded: quantum >> 8))
                    output.append(UInt8(truncatingIfNeeded: quantum))
                    quantum = 0
                    count = 0
                }
            } else if value == Self.skipped {
                continue
            } else if value == Self.pad {
                // Go: `=` may stand only as the 3rd and 4th, or as the 4th character of the last quantum.
                guard count + padding >= 2, count + padding < 4 else { return nil }
                padding += 1
            } else {
                return nil
            }
        }
        switch (count, padding) {
        case (0, 0): return output
        case (2, 2): output.append(UInt8(truncatingIfNeeded: quantum >> 4))
        case (3, 1):
            output.append(contentsOf: [
                UInt8(truncatingIfNeeded: quantum >> 10), UInt8(truncatingIfNeeded: quantum >> 2),
            ])
        default: return nil  // StdEncoding requires padding; `xx=` and `x==` are incorrect padding
        }
        return output
    }

    private static let skipped: UInt8 = 0xFE
    private static let pad: UInt8 = 0xFD
    private static let invalid: UInt8 = 0xFF

    /// Each byte's 6-bit value, or ``skipped`` (the whitespace Go skips), ``pad`` (`=`) or ``invalid``: one load per
    /// byte instead of a chain of range tests.
    private static let values: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        switch byte {
        case 0x41...0x5A: return UInt8(byte - 0x41)  // A-Z
        case 0x61...0x7A: return UInt8(byte - 0x61 + 26)  // a-z
        case 0x30...0x39: return UInt8(byte - 0x30 + 52)  // 0-9
        case 0x2B: return 62  // +
        case 0x2F: return 63  // /
        case 0x0A, 0x0D, 0x20, 0x09: return skipped
        case 0x3D: return pad  // =
        default: return invalid
        }
    }

    /// Whether `byte` can appear in a PEM body at all: the alphabet, `=`, and the whitespace Go skips.
    static func isBodyByte(_ byte: UInt8) -> Bool {
        values[Int(byte)] != invalid
    }
}
