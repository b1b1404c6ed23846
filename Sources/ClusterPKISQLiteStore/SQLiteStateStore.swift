import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

/// The single-node ``StateStore``: one SQLite file in WAL mode, shared safely by many processes.
///
/// Opening checks the file before changing anything: a file that is not SQLite, another application's database, or a
/// database migrated by a newer clusterpki is refused and left byte-identical. Then pending migrations run, each in
/// its own transaction, and the store key is checked against the one the database was created with.
public struct SQLiteStateStore: StateStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let writer: GroupCommitWriter
    /// The request path's point reads, on the caller's thread (``HotPathReader``).
    let hotPath: HotPathReader
    /// The store key; nil for a read-only store opened without it (ledger, rotation phases, audit: no token secrets).
    let storeKey: StoreKey?
    /// Opened with ``init(readOnlyAt:storeKey:)``: reads skip the sweeps that delete expired rows as they go.
    let readOnly: Bool

    /// Seconds a writer waits for another process's transaction before failing.
    public static let busyTimeout: TimeInterval = 10

    /// Opens (creating if needed, file 0600 and directory 0700) and migrates the database at `path`. A new database
    /// records `storeKey`'s check value and `keyPath` (where the key file is, see ``StoreKeyRecord``).
    public init(path: String, storeKey: StoreKey, keyPath: String? = nil) throws {
        self.path = path
        self.storeKey = storeKey
        self.readOnly = false
        try DatabaseFile.prepare(path: path)
        let needsMigration = try Self.inspect(path: path)
        pool = try Self.openPool(path: path, readonly: false)
        writer = GroupCommitWriter(pool: pool)
        hotPath = HotPathReader(path: path)
        if needsMigration { try migrate() }
        try checkStoreKey(storeKey, recordingPath: keyPath)
    }

    /// Opens the existing database at `path` read-only: nothing is created or migrated, and the key (when given) is
    /// compared with the stored one but never recorded. Without a key, the token operations fail with
    /// ``StoreError/storeKeyNotLoaded(path:)``; everything else reads as usual.
    public init(readOnlyAt path: String, storeKey: StoreKey?) throws {
        self.path = path
        self.storeKey = storeKey
        self.readOnly = true
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.cannotOpenDatabase(path: path, detail: "no such file")
        }
        try DatabaseFile.checkHeader(path: path)
        if try Self.inspect(path: path) { throw StoreError.databaseNeedsUpgrade(path: path) }
        pool = try Self.openPool(path: path, readonly: true)
        writer = GroupCommitWriter(pool: pool)
        hotPath = HotPathReader(path: path)
        if let storeKey {
            let stored = try database {
                try pool.read { try Data.fetchOne($0, sql: "SELECT value FROM storeMeta WHERE key = 'storeKeyCheck'") }
            }
            guard stored == storeKey.checkValue else { throw StoreError.storeKeyMismatch }
        }
    }

    /// The key, for the operations on token secrets.
    func key() throws -> StoreKey {
        guard let storeKey else { throw StoreError.storeKeyNotLoaded(path: path) }
        return storeKey
    }

    /// The store's connection pool (WAL), read-only or not.
    private static func openPool(path: String, readonly: Bool) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = readonly ? "clusterpki-state-readonly" : "clusterpki-state"
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            // The group commit writer runs each body in a savepoint; past 64 KiB SQLite spills a transaction's
            // savepoint journal to a temporary file under /var/tmp (created, written and deleted per batch).
            // In memory it costs at most the pages of one batch (``GroupCommitWriter/maximumBatch`` bodies).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            if !readonly {
                // GRDB sets `synchronous = NORMAL` on the writer when it turns WAL on (after `prepareDatabase`), and
                // NORMAL does not sync the WAL at a commit: a certificate handed out, its ledger row and audit event
                // could be lost with the machine. FULL syncs the WAL before a commit returns.
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            }
            return pool
        } catch {
            throw mapError(error, path: path)
        }
    }

    /// One read-only connection, for looking at a file before (or without) opening the store.
    static func readOnlyProbe(path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Reads the schema through a read-only connection and decides whether migrations are needed.
    static func inspect(path: String) throws -> Bool {
        do {
            let probe = try readOnlyProbe(path: path)
            defer { try? probe.close() }
            return try probe.read { db in
                let tables = try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                if tables.isEmpty { return true }
                guard tables.contains("grdb_migrations") else {
                    throw StoreError.notAStateDatabase(
                        path: path,
                        detail: "it holds other tables (\(tables.sorted().prefix(5).joined(separator: ", ")))")
                }
                let migrator = Migrations.migrator
                let applied = try migrator.appliedIdentifiers(db)
                let known = Set(Migrations.knownIdentifiers)
                if !applied.isEmpty && applied.isDisjoint(with: known) {
                    throw StoreError.notAStateDatabase(
                        path: path,
                        detail: "its migrations (\(applied.sorted().joined(separator: ", "))) are not clusterpki's")
                }
                let unknown = applied.subtracting(known)
                if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknownMigrations: unknown.sorted()) }
                return try !migrator.hasCompletedMigrations(db)
            }
        } catch {
            throw mapError(error, path: path)
        }
    }

    /// Runs pending migrations; a concurrent process may win the race, which is fine once the schema is complete.
    private func migrate() throws {
        // GRDB reads the applied migrations before its migration transaction, so two processes can both try the
        // same migration; the loser's transaction fails and rolls back, and the retry finds nothing left to do.
        var attempt = 0
        while true {
            do {
                try Migrations.migrator.migrate(pool)
                return
            } catch {
                attempt += 1
                let complete = (try? pool.read { try Migrations.migrator.hasCompletedMigrations($0) }) ?? false
                if complete { return }
                if attempt >= 5 { throw Self.mapError(error, path: path) }
            }
        }
    }

    /// Stores the key check value (and where the key file is) on first use and compares it afterwards.
    private func checkStoreKey(_ key: StoreKey, recordingPath keyPath: String?) throws {
        let expected = key.checkValue
        let stored: Data? = try database {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO storeMeta (key, value) VALUES ('storeKeyCheck', ?)",
                    arguments: [expected])
                let stored = try Data.fetchOne(db, sql: "SELECT value FROM storeMeta WHERE key = 'storeKeyCheck'")
                // The path is recorded only beside the check value of this key: a database created before paths were
                // recorded learns where its (matching) key is on its next write-open.
                if stored == expected, let keyPath {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO storeMeta (key, value) VALUES ('storeKeyPath', ?)",
                        arguments: [Data(keyPath.utf8)])
                }
                return stored
            }
        }
        guard stored == expected else { throw StoreError.storeKeyMismatch }
    }

    // MARK: Database access

    /// Runs `body` in a write transaction (BEGIN IMMEDIATE), possibly shared with concurrent writes (each in its own
    /// savepoint, see ``GroupCommitWriter``), and maps SQLite errors to ``StoreError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch {
            throw Self.mapError(error, path: path)
        }
    }

    /// Runs a read transaction and maps SQLite errors to ``StoreError``.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.mapError(error, path: path)
        }
    }

    func database<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw Self.mapError(error, path: path) }
    }

    /// Turns SQLite failures into messages that say what to do.
    static func mapError(_ error: any Error, path: String) -> any Error {
        if error is StoreError { return error }
        guard let error = error as? DatabaseError else {
            return StoreError.database(path: path, detail: "\(error)")
        }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError.notAStateDatabase(path: path, detail: detail)
        case .SQLITE_READONLY:
            return StoreError.readOnlyDatabase(path: path, detail: detail)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError.cannotOpenDatabase(path: path, detail: detail)
        case .SQLITE_FULL:
            return StoreError.noSpace(path: path, detail: detail)
        case .SQLITE_IOERR where DatabaseFile.hasNoSpace(near: path):
            // SQLite reports some ENOSPC writes (the WAL, the shared memory file) as plain I/O errors.
            return StoreError.noSpace(path: path, detail: detail)
        default:
            return StoreError.database(path: path, detail: "\(detail) (\(error.resultCode))")
        }
    }
}
