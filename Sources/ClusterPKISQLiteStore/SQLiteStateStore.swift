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
    let key: StoreKey

    /// Seconds a writer waits for another process's transaction before failing.
    public static let busyTimeout: TimeInterval = 10

    /// Opens (creating if needed, file 0600 and directory 0700) and migrates the database at `path`.
    public init(path: String, storeKey: StoreKey) throws {
        self.path = path
        self.key = storeKey
        try DatabaseFile.prepare(path: path)
        let needsMigration = try Self.inspect(path: path)

        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "clusterpki-state"
        configuration.maximumReaderCount = 2
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.mapError(error, path: path)
        }
        writer = GroupCommitWriter(pool: pool)
        if needsMigration { try migrate() }
        try checkStoreKey()
    }

    /// Reads the schema through a read-only connection and decides whether migrations are needed.
    private static func inspect(path: String) throws -> Bool {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        do {
            let probe = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? probe.close() }
            return try probe.read { db in
                let tables = try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                if tables.isEmpty { return true }
                guard tables.contains("grdb_migrations") else {
                    throw StoreError.notAStateDatabase(
                        path: path, detail: "it holds other tables (\(tables.sorted().prefix(5).joined(separator: ", ")))")
                }
                let migrator = Migrations.migrator
                let applied = try migrator.appliedIdentifiers(db)
                let known = Set(Migrations.knownIdentifiers)
                if !applied.isEmpty && applied.isDisjoint(with: known) {
                    throw StoreError.notAStateDatabase(
                        path: path, detail: "its migrations (\(applied.sorted().joined(separator: ", "))) are not clusterpki's")
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

    /// Stores the key check value on first use and compares it afterwards.
    private func checkStoreKey() throws {
        let expected = key.checkValue
        let stored: Data? = try database {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO storeMeta (key, value) VALUES ('storeKeyCheck', ?)", arguments: [expected])
                return try Data.fetchOne(db, sql: "SELECT value FROM storeMeta WHERE key = 'storeKeyCheck'")
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

    private func database<T>(_ body: () throws -> T) throws -> T {
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
