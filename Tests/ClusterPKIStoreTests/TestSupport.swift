import Foundation
import GRDB
import Testing

@testable import ClusterPKIStore

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("clusterpki-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// 2026-01-01T00:00:00Z, the reference "now" of the store tests.
let referenceNow = Date(timeIntervalSince1970: 1_767_225_600)

/// A store on a new database file with a fixed key, and the directory holding it.
func makeStore(key: StoreKey = testKey) throws -> (SQLiteStateStore, TemporaryDirectory) {
    let directory = try TemporaryDirectory()
    return (try SQLiteStateStore(path: directory.path("state.db"), storeKey: key), directory)
}

let testKeyBytes: [UInt8] = Array(0..<32)
let testKey = try! StoreKey(bytes: testKeyBytes)

/// Runs a command and returns its standard output.
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

/// Counts rows with a raw SQL query on a separate connection, bypassing the store.
func rawCount(_ path: String, _ sql: String) throws -> Int {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
}

func sha256(ofFile path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
}
