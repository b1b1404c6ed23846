import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    public func createCertificateRequest(
        name: String, requester: String, object: Data, now: Date, recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest {
        let organizations = records.credential.map(Self.organizationsJSON)
        return try await write { db in
            let version = try Self.nextRequestVersion(db)
            do {
                try db.run(
                    sql: """
                        INSERT INTO certificateRequest (name, resourceVersion, createdAt, requester, object)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [name, version, now.timeIntervalSince1970, requester, object])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                // The name's unique index (migration v4; the resourceVersion is the primary key).
                throw StoreError.certificateRequestAlreadyExists(name: name)
            }
            try insertRecords(records, organizations: organizations, db: db)
            return StoredCertificateRequest(
                name: name, resourceVersion: version, created: now, requester: requester, object: object)
        }
    }

    public func updateCertificateRequest(name: String, object: Data) async throws -> StoredCertificateRequest {
        try await write { db in
            let version = try Self.nextRequestVersion(db)
            try db.run(
                sql: "UPDATE certificateRequest SET object = ?, resourceVersion = ? WHERE name = ?",
                arguments: [object, version, name])
            guard db.changesCount == 1,
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.requestColumns) FROM certificateRequest WHERE name = ?", arguments: [name])
            else { throw StoreError.certificateRequestNotFound(name: name) }
            return Self.decodeRequest(row)
        }
    }

    public func updateCertificateRequest(
        name: String, object: Data, ifResourceVersion resourceVersion: Int64,
        recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest {
        let organizations = records.credential.map(Self.organizationsJSON)
        return try await write { db in
            let version = try Self.nextRequestVersion(db)
            try db.run(
                sql:
                    "UPDATE certificateRequest SET object = ?, resourceVersion = ? WHERE name = ? AND resourceVersion = ?",
                arguments: [object, version, name, resourceVersion])
            guard db.changesCount == 1,
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.requestColumns) FROM certificateRequest WHERE name = ?", arguments: [name])
            else {
                let exists =
                    try Bool.fetchOne(db, sql: "SELECT 1 FROM certificateRequest WHERE name = ?", arguments: [name])
                    ?? false
                throw exists
                    ? StoreError.certificateRequestConflict(name: name)
                    : StoreError.certificateRequestNotFound(name: name)
            }
            try insertRecords(records, organizations: organizations, db: db)
            return Self.decodeRequest(row)
        }
    }

    public func deleteCertificateRequest(name: String, recording records: CertificateRequestRecords) async throws
        -> StoredCertificateRequest
    {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.requestColumns) FROM certificateRequest WHERE name = ?", arguments: [name])
            else { throw StoreError.certificateRequestNotFound(name: name) }
            try db.run(sql: "DELETE FROM certificateRequest WHERE name = ?", arguments: [name])
            try appendAudits(records.auditEvents, db: db)
            return Self.decodeRequest(row)
        }
    }

    public func certificateRequest(named name: String) async throws -> StoredCertificateRequest? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.requestColumns) FROM certificateRequest WHERE name = ?", arguments: [name]
            )
            .map(Self.decodeRequest)
        }
    }

    public func certificateRequests() async throws -> [StoredCertificateRequest] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.requestColumns) FROM certificateRequest ORDER BY name").map(
                Self.decodeRequest)
        }
    }

    public func certificateRequests(after: String?, limit: Int?) async throws -> [StoredCertificateRequest] {
        // SQLite reads LIMIT -1 as no limit; the primary key's index gives the order and the start.
        try await read { db in
            var arguments: [any DatabaseValueConvertible] = after.map { [$0] } ?? []
            arguments.append(limit ?? -1)
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Self.requestColumns) FROM certificateRequest \(after == nil ? "" : "WHERE name > ?") ORDER BY name LIMIT ?",
                arguments: StatementArguments(arguments)
            ).map(Self.decodeRequest)
        }
    }

    /// Only the old rows become `StoredCertificateRequest`s: SQLite reads `createdAt` of the others in place, where
    /// the whole list copied every object (~2 KB) out of the database at every sweep.
    public func certificateRequests(createdAtOrBefore cutoff: Date) async throws -> [StoredCertificateRequest] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.requestColumns) FROM certificateRequest WHERE createdAt <= ? ORDER BY name",
                arguments: [cutoff.timeIntervalSince1970]
            ).map(Self.decodeRequest)
        }
    }

    public func certificateRequestsVersion() async throws -> Int64 {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT coalesce(max(resourceVersion), 0) FROM certificateRequest") ?? 0
        }
    }

    public func recordNode(_ node: NodeRecord) async throws {
        try await write { db in try appendAudit(try insertNode(node, db: db), db: db) }
    }

    /// The node row, inside the caller's transaction; returns its audit event, which the caller appends with the
    /// others of its write.
    func insertNode(_ node: NodeRecord, db: Database) throws -> AuditEvent {
        try db.run(
            sql: "INSERT OR REPLACE INTO node (name, addresses, recordedAt, recordedBy) VALUES (?, ?, ?, ?)",
            arguments: [
                node.name, node.addresses.joined(separator: ","), node.recorded.timeIntervalSince1970, node.recordedBy,
            ])
        return AuditEvent(
            time: node.recorded, actor: node.recordedBy, action: .nodeRecorded,
            detail: "node=\(node.name) addresses=\(node.addresses.joined(separator: ","))")
    }

    /// A request's records inside the caller's transaction: the ledger row, the node row, then every audit event
    /// (the request's own, the credential's, the node's, in that order) in one insert.
    func insertRecords(_ records: CertificateRequestRecords, organizations: String?, db: Database) throws {
        var events = records.auditEvents
        if let credential = records.credential, let organizations {
            events.append(try insertCredential(credential, organizations: organizations, db: db))
        }
        if let node = records.node { events.append(try insertNode(node, db: db)) }
        try appendAudits(events, db: db)
    }

    public func node(named name: String) async throws -> NodeRecord? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT name, addresses, recordedAt, recordedBy FROM node WHERE name = ?", arguments: [name]
            )
            .map { row in
                NodeRecord(
                    name: row["name"], addresses: Self.splitList(row["addresses"]),
                    recorded: Date(timeIntervalSince1970: row["recordedAt"]), recordedBy: row["recordedBy"])
            }
        }
    }

    public func countUploadFetch(name: String, actor: String, tokenID: String?, now: Date) async throws -> Int {
        let count: Int? = try await write { db in
            try db.run(sql: "UPDATE upload SET fetches = fetches + 1 WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { return nil }
            let fetches = try Int.fetchOne(db, sql: "SELECT fetches FROM upload WHERE name = ?", arguments: [name]) ?? 0
            try appendAudit(
                AuditEvent(
                    time: now, actor: actor, action: .uploadFetched, tokenID: tokenID,
                    detail: "\(name) fetch=\(fetches)"), db: db)
            return fetches
        }
        guard let count else { throw StoreError.uploadNotFound(name: name) }
        return count
    }

    static let requestColumns = "name, resourceVersion, createdAt, requester, object"

    static func decodeRequest(_ row: Row) -> StoredCertificateRequest {
        StoredCertificateRequest(
            name: row["name"], resourceVersion: row["resourceVersion"],
            created: Date(timeIntervalSince1970: row["createdAt"]),
            requester: row["requester"], object: row["object"])
    }

    private static func nextRequestVersion(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT coalesce(max(resourceVersion), 0) + 1 FROM certificateRequest"))) ?? 1
    }
}
