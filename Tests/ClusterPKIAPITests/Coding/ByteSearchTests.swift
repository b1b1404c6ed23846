import ClusterPKIAPI
import Foundation
import Testing

@Suite struct ByteSearchTests {
    @Test(
        arguments: [
            ("abc", "abc", 0), ("xxabc", "abc", 2), ("ababc", "abc", 2), ("abcabc", "abc", 0), ("xyz", "abc", nil),
            ("ab", "abc", nil), ("", "a", nil), ("aaab", "aab", 1), ("a\u{0}b", "\u{0}b", 1),
            (#"{"Denied"}"#, #""Denied""#, 1),
        ] as [(String, String, Int?)])
    func findsTheFirstOccurrence(haystack: String, needle: String, expected: Int?) {
        #expect(ByteSearch.firstOffset(of: Array(needle.utf8), in: Data(haystack.utf8)) == expected)
    }

    @Test func anEmptyNeedleIsNotFound() {
        #expect(ByteSearch.firstOffset(of: [], in: Data("abc".utf8)) == nil)
    }

    /// Offsets count from the first byte of the `Data` given, also for a slice that does not start at index 0.
    @Test func offsetsInASliceCountFromItsStart() {
        let whole = Data("0123456789".utf8)
        let slice = whole[3...]
        #expect(ByteSearch.firstOffset(of: Array("56".utf8), in: slice) == 2)
        #expect(ByteSearch.firstOffset(of: Array("12".utf8), in: slice) == nil)
    }

    /// A large object, the needle at its very end: what the denied-CSR cleaner scans.
    @Test func findsANeedleAtTheEndOfALargeObject() {
        var data = Data(repeating: UInt8(ascii: "a"), count: 100_000)
        data.append(contentsOf: Array(#""Failed""#.utf8))
        #expect(ByteSearch.firstOffset(of: Array(#""Failed""#.utf8), in: data) == 100_000)
        #expect(ByteSearch.firstOffset(of: Array(#""Denied""#.utf8), in: data) == nil)
    }
}
