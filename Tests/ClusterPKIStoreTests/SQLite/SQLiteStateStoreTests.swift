import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import GRDB
import Testing

@testable import ClusterPKISQLiteStore

@Suite struct SQLiteStateStoreTests {
    @Test func createsDatabaseWithPrivateModes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("new/dir/state.db")
        _ = try SQLiteStateStore(path: path, storeKey: testKey)
        let file = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let dir = try FileManager.default.attributesOfItem(atPath: directory.path("new/dir"))[.posixPermissions] as? Int
        #expect(file == 0o600)
        #expect(dir == 0o700)
        #expect(try rawCount(path, "SELECT count(*) FROM grdb_migrations") == Migrations.knownIdentifiers.count)
    }

    @Test func databaseDumpRevealsNoSecretAndNoKey() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        var secrets: [String] = []
        for maxUses in [nil, 3] {
            let token = try await store.createToken(TokenRequest(maxUses: maxUses), actor: "t", now: referenceNow)
            secrets.append(token.token.secret)
            _ = try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
        }
        _ = try? await store.authenticate("abcdef.0000000000000000", client: "c", policy: .default, now: referenceNow)
        let (status, output) = try run("/usr/bin/sqlite3", [store.path, ".dump"])
        #expect(status == 0)
        let dump = String(decoding: output, as: UTF8.self)
        #expect(dump.contains("INSERT INTO bootstrapToken"))
        let keyHex = testKeyBytes.map { String(format: "%02x", $0) }.joined()
        for needle in secrets + [keyHex, keyHex.uppercased()] {
            #expect(!dump.contains(needle))
        }
        for secret in secrets {
            let hex = Data(secret.utf8).map { String(format: "%02x", $0) }.joined()
            #expect(!dump.lowercased().contains(hex))
        }
        #expect(!dump.contains("0000000000000000"))
        // The raw file (including the WAL) must not hold them either.
        for file in [store.path, store.path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            for needle in secrets { #expect(bytes.range(of: Data(needle.utf8)) == nil) }
            #expect(bytes.range(of: Data(testKeyBytes)) == nil)
        }
    }

    @Test func refusesAFileThatIsNotSQLiteAndLeavesItAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("state.db")
        let contents = Data("apiVersion: v1\nkind: Config\n".utf8) + Data(repeating: 7, count: 4096)
        try contents.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notAStateDatabase(path: path, detail: "the file is not an SQLite database")) {
            try SQLiteStateStore(path: path, storeKey: testKey)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == contents)
        #expect(
            StoreError.notAStateDatabase(path: path, detail: "x").message.hasPrefix(
                "\(path) is not a clusterpki state database: x"))
    }

    @Test func refusesAnotherApplicationsDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("other.db")
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE player (id INTEGER PRIMARY KEY)") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notAStateDatabase(path: path, detail: "it holds other tables (player)")) {
            try SQLiteStateStore(path: path, storeKey: testKey)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func refusesANewerSchemaAndLeavesItByteIdentical() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("state.db")
        do {
            let store = try SQLiteStateStore(path: path, storeKey: testKey)
            _ = try await store.createToken(TokenRequest(), actor: "t", now: referenceNow)
        }
        // A later clusterpki applied a migration this build does not know.
        let queue = try DatabaseQueue(path: path)
        try await queue.write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }
        try queue.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.newerSchema(path: path, unknownMigrations: ["v9-from-the-future"])) {
            try SQLiteStateStore(path: path, storeKey: testKey)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func refusesAReadOnlyDatabaseWithAClearError() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("state.db")
        _ = try SQLiteStateStore(path: path, storeKey: testKey)
        // Root ignores file modes, so make the file immutable instead (CAP_LINUX_IMMUTABLE).
        let asRoot = getuid() == 0
        if asRoot {
            guard try run("/usr/bin/chattr", ["+i", path]).status == 0 else { return }
        } else {
            chmod(path, 0o444)
            chmod(directory.url.path, 0o555)
        }
        defer {
            if asRoot { _ = try? run("/usr/bin/chattr", ["-i", path]) } else { chmod(directory.url.path, 0o755) }
        }
        do {
            let store = try SQLiteStateStore(path: path, storeKey: testKey)
            _ = try await store.createToken(TokenRequest(), actor: "t", now: referenceNow)
            Issue.record("a read-only database accepted a write")
        } catch let error as StoreError {
            guard case .readOnlyDatabase(let failedPath, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(failedPath == path)
            #expect(error.message.contains("is read-only"))
        }
    }

    @Test func storeKeyFileIsCreatedOnceWithMode0600() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("pki/clusterpki-state.key")
        let first = try StoreKey.loadOrCreate(at: url)
        let second = try StoreKey.loadOrCreate(at: url)
        #expect(first.checkValue == second.checkValue)
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int == 0o600)
        #expect(
            try FileManager.default.attributesOfItem(atPath: directory.path("pki"))[.posixPermissions] as? Int == 0o700)
        chmod(url.path, 0o644)
        #expect(throws: StoreError.insecureStoreKeyFile(path: url.path, mode: "0644")) { try StoreKey.load(at: url) }
    }
}
