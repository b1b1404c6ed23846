import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// Records a minted credential.
    public func recordCredential(_ credential: IssuedCredential) async throws {
        let organizations = Self.organizationsJSON(credential)
        try await write { db in
            try appendAudit(try insertCredential(credential, organizations: organizations, db: db), db: db)
        }
    }

    static func organizationsJSON(_ credential: IssuedCredential) -> String {
        String(decoding: KubernetesJSON.encode(strings: credential.organizations), as: UTF8.self)
    }

    /// The ledger row, inside the caller's transaction; returns its audit event, which the caller appends with the
    /// others of its write.
    func insertCredential(_ credential: IssuedCredential, organizations: String, db: Database) throws -> AuditEvent {
        do {
            try db.run(
                sql: """
                    INSERT INTO credential (serial, commonName, organizations, notAfter, createdAt, actor)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    credential.serial, credential.commonName, organizations, credential.notAfter.timeIntervalSince1970,
                    credential.created.timeIntervalSince1970, credential.actor,
                ])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError.credentialAlreadyRecorded(serial: credential.serial)
        }
        return AuditEvent(
            time: credential.created, actor: credential.actor, action: .credentialRecorded,
            detail:
                "serial=\(credential.serial) cn=\(credential.commonName) o=\(credential.organizations.joined(separator: ","))"
        )
    }

    /// All credentials, oldest first.
    public func credentials() async throws -> [IssuedCredential] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.credentialColumns) FROM credential ORDER BY createdAt, serial")
                .map(Self.decodeCredential)
        }
    }

    /// Revokes one credential by serial; a second revocation keeps the first date and actor.
    public func revokeCredential(serial: String, actor: String, now: Date) async throws -> IssuedCredential {
        let normalized = try IssuedCredential.normalizeSerial(serial)
        return try await write { db in
            try db.run(
                sql: "UPDATE credential SET revokedAt = ?, revokedBy = ? WHERE serial = ? AND revokedAt IS NULL",
                arguments: [now.timeIntervalSince1970, actor, normalized])
            let revokedNow = db.changesCount == 1
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.credentialColumns) FROM credential WHERE serial = ?",
                    arguments: [normalized])
            else { throw StoreError.credentialNotFound(serial: normalized) }
            if revokedNow {
                try appendAudit(
                    AuditEvent(time: now, actor: actor, action: .credentialRevoked, detail: "serial=\(normalized)"),
                    db: db)
            }
            return try Self.decodeCredential(row)
        }
    }

    /// Revokes every credential issued to `clientName` (the certificate CN).
    public func revokeCredentials(clientName: String, actor: String, now: Date) async throws -> [IssuedCredential] {
        try await write { db in
            try db.run(
                sql: "UPDATE credential SET revokedAt = ?, revokedBy = ? WHERE commonName = ? AND revokedAt IS NULL",
                arguments: [now.timeIntervalSince1970, actor, clientName])
            let revokedCount = db.changesCount
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.credentialColumns) FROM credential WHERE commonName = ? ORDER BY createdAt, serial",
                arguments: [clientName])
            guard !rows.isEmpty else { throw StoreError.noCredentialsForClient(name: clientName) }
            try appendAudit(
                AuditEvent(
                    time: now, actor: actor, action: .credentialRevoked,
                    detail: "cn=\(clientName) count=\(revokedCount)"),
                db: db)
            return try rows.map(Self.decodeCredential)
        }
    }

    /// Whether `serial` is revoked; unknown serials are not.
    public func isRevoked(serial: String) async throws -> Bool {
        let normalized = try IssuedCredential.normalizeSerial(serial)
        return try await read { db in
            try Bool.fetchOne(
                db, sql: "SELECT revokedAt IS NOT NULL FROM credential WHERE serial = ?", arguments: [normalized])
                ?? false
        }
    }

    static let credentialColumns = "serial, commonName, organizations, notAfter, createdAt, actor, revokedAt, revokedBy"

    static func decodeCredential(_ row: Row) throws -> IssuedCredential {
        let organizations = try JSONDecoder().decode([String].self, from: Data((row["organizations"] as String).utf8))
        var credential = try IssuedCredential(
            serial: row["serial"], commonName: row["commonName"], organizations: organizations,
            notAfter: Date(timeIntervalSince1970: row["notAfter"]),
            created: Date(timeIntervalSince1970: row["createdAt"]),
            actor: row["actor"])
        credential.revoked = (row["revokedAt"] as Double?).map(Date.init(timeIntervalSince1970:))
        credential.revokedBy = row["revokedBy"]
        return credential
    }
}
