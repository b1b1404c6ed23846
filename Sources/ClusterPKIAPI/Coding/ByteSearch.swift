import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a byte string first occurs in stored or encoded JSON. `Data.firstRange(of:)` was 8 % of a signed CSR's CPU
/// time, and a Swift byte loop ~8 instructions a byte, which the denied-CSR checks paid over every stored request
/// each minute; here the C library's vectorized `memchr` finds the candidates and `memcmp` checks them.
public enum ByteSearch {
    /// The offset of the first occurrence of `needle` (not empty) in `data`, or nil.
    public static func firstOffset(of needle: [UInt8], in data: Data) -> Int? {
        guard !needle.isEmpty, data.count >= needle.count else { return nil }
        // Candidates are found by the needle's second byte when it has one: the needles are quoted JSON strings,
        // and a quote, their first byte, is the most common byte of JSON.
        let anchor = needle.count > 1 ? 1 : 0
        return data.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { needle -> Int? in
                guard let base = haystack.baseAddress, let needleBase = needle.baseAddress else { return nil }
                let lastStart = haystack.count - needle.count
                var start = 0
                while start <= lastStart {
                    // The anchor byte of a match starting in start...lastStart.
                    guard
                        let hit = memchr(
                            base + start + anchor, Int32(needle[anchor]), lastStart - start + 1)
                    else { return nil }
                    let candidate = UnsafeRawPointer(hit) - base - anchor
                    if memcmp(base + candidate, needleBase, needle.count) == 0 { return candidate }
                    start = candidate + 1
                }
                return nil
            }
        }
    }
}
