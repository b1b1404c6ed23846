/// A JSON text built byte by byte, for the few objects written on the request path (see
/// ``KubernetesJSON/encode(_:)-(CertificateSigningRequestObject)``): members in the order they are written, strings
/// escaped exactly as Foundation's `JSONEncoder` escapes them with `.withoutEscapingSlashes` (`"`, `\` and the C0
/// controls; `\b \f \n \r \t` by name, the others as `\u00XX`), so the output is the encoder's, byte for byte.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []
    /// Whether the object being written has no member yet (one entry per open object).
    private var empty: [Bool] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        empty.append(true)
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        empty.removeLast()
    }

    /// `"name":` with the comma before it when the object already has a member.
    mutating func key(_ name: String) {
        if empty[empty.count - 1] {
            empty[empty.count - 1] = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func member(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func member(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func member(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func member(_ name: String, _ values: [String]?) {
        member(name, values) { $0.string($1) }
    }

    /// An array of strings.
    mutating func array(_ strings: [String]) {
        array(strings) { $0.string($1) }
    }

    /// An array member, left out when nil.
    mutating func member<Element>(_ name: String, _ elements: [Element]?, element: (inout JSONBytes, Element) -> Void) {
        guard let elements else { return }
        key(name)
        array(elements, element)
    }

    /// An object whose members `body` writes.
    mutating func object(_ body: (inout JSONBytes) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    /// An object member whose keys are written sorted (Foundation writes a dictionary in its hash order, which
    /// differs from run to run; sorted is the same JSON, and stable).
    mutating func member<Value>(_ name: String, _ dictionary: [String: Value]?, value: (inout JSONBytes, Value) -> Void)
    {
        guard let dictionary else { return }
        key(name)
        beginObject()
        for entry in dictionary.sorted(by: { $0.key < $1.key }) {
            key(entry.key)
            value(&self, entry.value)
        }
        endObject()
    }

    mutating func array<Element>(_ elements: [Element], _ element: (inout JSONBytes, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Runs without anything to escape (a base64 request or certificate is one run) are copied whole, and
            // found eight bytes at a time: a request's two base64 strings are most of its JSON.
            var run = 0
            var index = 0
            let raw = UnsafeRawBufferPointer(utf8)
            while index < utf8.count {
                if utf8.count - index >= 8,
                    !Self.mayNeedEscaping(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = utf8[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                    escape(byte)
                    run = index + 1
                }
                index += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes in `word` is a C0 control, `"` or a backslash. Never false when one is (the
    /// byte loop then finds which); bytes of 0x80 and above are never flagged by themselves.
    @inline(__always)
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // A byte below 0x20 (its subtraction borrows, and its top bit was clear); a byte equal to `"` or a backslash
        // (zero after the XOR, found the same way with 1).
        func hasByteBelow(_ word: UInt64, _ bound: UInt64) -> Bool {
            (word &- ones &* bound) & ~word & highBits != 0
        }
        return hasByteBelow(word, 0x20) || hasByteBelow(word ^ (ones &* 0x22), 1)
            || hasByteBelow(word ^ (ones &* 0x5C), 1)
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
