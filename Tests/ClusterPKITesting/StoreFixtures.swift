import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation
import GRDB

/// 2026-01-01T00:00:00Z, the reference "now" of the store tests.
public let referenceNow = Date(timeIntervalSince1970: 1_767_225_600)

public let testKeyBytes: [UInt8] = Array(0..<32)
public let testKey = try! StoreKey(bytes: testKeyBytes)

/// A store on a new database file with a fixed key, and the directory holding it.
public func makeStore(key: StoreKey = testKey) throws -> (SQLiteStateStore, TemporaryDirectory) {
    let directory = try TemporaryDirectory(prefix: "clusterpki-store")
    return (try SQLiteStateStore(path: directory.path("state.db"), storeKey: key), directory)
}

/// Runs a command and returns its exit status and standard output (standard error discarded).
public func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
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
public func rawCount(_ path: String, _ sql: String) throws -> Int {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
}

/// The bytes of a file (to compare a database before and after a refused operation).
public func sha256(ofFile path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
}
