import ClusterPKIStore
import Foundation

/// 2026-01-01T00:00:00Z, the reference "now" of the store tests.
let referenceNow = Date(timeIntervalSince1970: 1_767_225_600)

/// The fixed store key of the tests, and its raw bytes (which must never appear in stored data).
let storeKeyBytes: [UInt8] = Array(100..<132)
let storeKey = try! StoreKey(bytes: storeKeyBytes)

/// A fresh directory under the system temp dir; the caller removes it.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("clusterpki-etcdtests-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
