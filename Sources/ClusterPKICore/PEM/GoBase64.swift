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
        for byte in text {
            if byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09 { continue }
            if byte == UInt8(ascii: "=") {
                // Go: `=` may stand only as the 3rd and 4th, or as the 4th character of the last quantum.
                guard count + padding >= 2, count + padding < 4 else { return nil }
                padding += 1
                continue
            }
            guard padding == 0, let value = value(of: byte) else { return nil }
            quantum = quantum << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(contentsOf: [
                    UInt8(truncatingIfNeeded: quantum >> 16), UInt8(truncatingIfNeeded: quantum >> 8),
                    UInt8(truncatingIfNeeded: quantum),
                ])
                quantum = 0
                count = 0
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

    private static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }

    /// Whether `byte` can appear in a PEM body at all: the alphabet, `=`, and the whitespace Go skips.
    static func isBodyByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09
            || value(of: byte) != nil
    }
}
