import Foundation
import GRDB

/// The ledger in a SQLite file (WAL, migrated on open).
///
/// Interim: stands in until the state store (`ClusterPKIStore`) ships its ledger; then the store conforms to
/// ``ClientCredentialLedger`` and this type goes away.
public struct SQLiteCredentialLedger: ClientCredentialLedger {
    public let path: String
    private let writer: any DatabaseWriter

    /// Opens (creating the file 0600 and its directory 0700 if needed) and migrates the ledger at `path`.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw KubeconfigError.ledger(path: path, detail: "cannot create the file")
                }
            }
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
            writer = queue
        } catch let error as KubeconfigError {
            throw error
        } catch {
            throw KubeconfigError.ledger(path: path, detail: "\(error)")
        }
    }

    /// Opens the ledger only if its file exists (a missing ledger has no revocations).
    public static func openIfPresent(path: String) throws -> SQLiteCredentialLedger? {
        FileManager.default.fileExists(atPath: path) ? try SQLiteCredentialLedger(path: path) : nil
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-kubeconfig-credential") { db in
            try db.execute(sql: """
                CREATE TABLE kubeconfigCredential (
                    serial TEXT PRIMARY KEY NOT NULL,
                    commonName TEXT NOT NULL,
                    organizations TEXT NOT NULL,
                    notAfter DOUBLE NOT NULL,
                    createdAt DOUBLE NOT NULL,
                    actor TEXT NOT NULL,
                    revokedAt DOUBLE,
                    revokedBy TEXT
                );
                CREATE INDEX kubeconfigCredentialCommonName ON kubeconfigCredential(commonName);
                """)
        }
        return migrator
    }

    static let columns = "serial, commonName, organizations, notAfter, createdAt, actor, revokedAt, revokedBy"

    public func record(_ credential: LedgerRecord) async throws {
        let organizations = String(decoding: try JSONEncoder().encode(credential.organizations), as: UTF8.self)
        try await guarded {
            try await writer.write { db in
                try db.execute(
                    sql: "INSERT INTO kubeconfigCredential (serial, commonName, organizations, notAfter, createdAt, actor) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [credential.serial, credential.commonName, organizations, credential.notAfter.timeIntervalSince1970,
                                credential.created.timeIntervalSince1970, credential.actor])
            }
        }
    }

    public func list() async throws -> [LedgerRecord] {
        try await guarded {
            try await writer.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM kubeconfigCredential ORDER BY createdAt, serial").map(Self.decode)
            }
        }
    }

    public func revoke(serial: String, actor: String, now: Date) async throws -> LedgerRecord {
        let normalized = try LedgerRecord.normalizeSerial(serial)
        let row = try await guarded {
            try await writer.write { db in
                try db.execute(sql: "UPDATE kubeconfigCredential SET revokedAt = ?, revokedBy = ? WHERE serial = ? AND revokedAt IS NULL",
                               arguments: [now.timeIntervalSince1970, actor, normalized])
                return try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM kubeconfigCredential WHERE serial = ?", arguments: [normalized])
            }
        }
        guard let row else { throw KubeconfigError.credentialNotFound(serial: normalized) }
        return try Self.decode(row)
    }

    public func revoke(clientName: String, actor: String, now: Date) async throws -> [LedgerRecord] {
        let rows = try await guarded {
            try await writer.write { db in
                try db.execute(sql: "UPDATE kubeconfigCredential SET revokedAt = ?, revokedBy = ? WHERE commonName = ? AND revokedAt IS NULL",
                               arguments: [now.timeIntervalSince1970, actor, clientName])
                return try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM kubeconfigCredential WHERE commonName = ? ORDER BY createdAt, serial",
                                        arguments: [clientName])
            }
        }
        guard !rows.isEmpty else { throw KubeconfigError.noCredentialsForClient(name: clientName) }
        return try rows.map(Self.decode)
    }

    public func isRevoked(serial: String) async throws -> Bool {
        let normalized = try LedgerRecord.normalizeSerial(serial)
        return try await guarded {
            try await writer.read { db in
                try Bool.fetchOne(db, sql: "SELECT revokedAt IS NOT NULL FROM kubeconfigCredential WHERE serial = ?", arguments: [normalized]) ?? false
            }
        }
    }

    static func decode(_ row: Row) throws -> LedgerRecord {
        let organizations = try JSONDecoder().decode([String].self, from: Data((row["organizations"] as String).utf8))
        return try LedgerRecord(
            serial: row["serial"], commonName: row["commonName"], organizations: organizations,
            notAfter: Date(timeIntervalSince1970: row["notAfter"]), created: Date(timeIntervalSince1970: row["createdAt"]),
            actor: row["actor"], revoked: (row["revokedAt"] as Double?).map(Date.init(timeIntervalSince1970:)),
            revokedBy: row["revokedBy"])
    }

    private func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as KubeconfigError { throw error } catch {
            throw KubeconfigError.ledger(path: path, detail: "\(error)")
        }
    }
}
