import ClusterPKIStore
import Testing

/// Serial numbers name one certificate however they are spelled: lowercase hex, no colons, no leading zeros.
@Suite struct SerialNormalizationTests {
    @Test(arguments: [
        ("0A:1b", "a1b"), ("a1b", "a1b"), ("00", "0"), ("0", "0"), ("DE:AD:BE:EF", "deadbeef"), ("::1", "1"),
        ("000f", "f"),
    ])
    func normalizes(raw: String, expected: String) throws {
        #expect(try IssuedCredential.normalizeSerial(raw) == expected)
    }

    @Test(arguments: ["", ":", "0x1", "g", "12 34", "\u{130}", "ａ1"])
    func refuses(_ raw: String) {
        #expect(throws: StoreError.invalidSerial(raw)) { try IssuedCredential.normalizeSerial(raw) }
    }
}
