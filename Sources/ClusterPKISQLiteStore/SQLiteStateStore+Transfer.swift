import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// Every record, read in one transaction.
    public func exportState() async throws -> StateSnapshot {
        let audit = try await auditEvents(limit: nil)
        return try await read { db in
            let bound = try Dictionary(
                Row.fetchAll(db, sql: "SELECT name, tokenId FROM upload").map {
                    ($0["tokenId"] as String, $0["name"] as String)
                },
                uniquingKeysWith: { first, _ in first })
            let tokens = try Row.fetchAll(db, sql: "SELECT \(Self.tokenColumns) FROM bootstrapToken ORDER BY id").map {
                row in
                let token = try decodeToken(row)
                return StateSnapshot.Token(token: token, upload: bound[token.id])
            }
            let uploads = try Row.fetchAll(
                db,
                sql: """
                    SELECT upload.name, upload.tokenId, upload.createdAt, upload.fetches, bootstrapToken.expiresAt
                    FROM upload LEFT JOIN bootstrapToken ON bootstrapToken.id = upload.tokenId ORDER BY upload.name
                    """
            ).map { row in
                let name: String = row["name"]
                var blobs: [String: Data] = [:]
                for blob in try Row.fetchAll(
                    db, sql: "SELECT key, value FROM uploadBlob WHERE uploadName = ?", arguments: [name])
                {
                    blobs[blob["key"]] = blob["value"]
                }
                let upload = Upload(
                    name: name, blobs: blobs, proxyTokenID: row["tokenId"],
                    created: Date(timeIntervalSince1970: row["createdAt"]),
                    expires: (row["expiresAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
                return StateSnapshot.StoredUpload(upload: upload, fetches: row["fetches"])
            }
            let credentials = try Row.fetchAll(db, sql: "SELECT \(Self.credentialColumns) FROM credential").map(
                Self.decodeCredential)
            let requests = try Row.fetchAll(
                db, sql: "SELECT \(Self.requestColumns) FROM certificateRequest ORDER BY resourceVersion"
            )
            .map(Self.decodeRequest)
            let nodes = try Row.fetchAll(db, sql: "SELECT name, addresses, recordedAt, recordedBy FROM node").map {
                row in
                NodeRecord(
                    name: row["name"], addresses: Self.splitList(row["addresses"]),
                    recorded: Date(timeIntervalSince1970: row["recordedAt"]), recordedBy: row["recordedBy"])
            }
            let phases = try Row.fetchAll(db, sql: "SELECT subject, phase, updatedAt, actor, detail FROM rotationPhase")
                .map { row in
                    RotationPhase(
                        subject: row["subject"], phase: row["phase"],
                        updatedAt: Date(timeIntervalSince1970: row["updatedAt"]),
                        actor: row["actor"], detail: row["detail"])
                }
            return StateSnapshot(
                tokens: tokens, uploads: uploads, auditEvents: audit, credentials: credentials,
                certificateRequests: requests,
                nodes: nodes, rotationPhases: phases)
        }
    }

    /// Empties every table and writes `snapshot`, in one transaction: a failure leaves the database as it was.
    public func replaceState(with snapshot: StateSnapshot) async throws {
        let key = try key()
        let sealed = try snapshot.tokens.map { stored in
            (stored, key.secretMAC(for: stored.token.token), try key.seal(stored.token.token))
        }
        let organizations = snapshot.credentials.map(Self.organizationsJSON)
        try await write { db in
            for table in [
                "uploadBlob", "upload", "bootstrapToken", "authFailure", "auditEvent", "credential",
                "certificateRequest", "node",
                "rotationPhase",
            ] {
                try db.execute(sql: "DELETE FROM \(table)")
            }
            for (stored, mac, sealedSecret) in sealed {
                let token = stored.token
                try db.execute(
                    sql: """
                        INSERT INTO bootstrapToken
                            (id, secretMAC, sealedSecret, description, usages, groups, createdAt, expiresAt, maxUses, usesLeft)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        token.id, mac, sealedSecret, token.description,
                        token.usages.map(\.rawValue).joined(separator: ","),
                        token.groups.joined(separator: ","), token.created.timeIntervalSince1970,
                        token.expires?.timeIntervalSince1970, token.maxUses, token.usesLeft,
                    ])
            }
            for stored in snapshot.uploads {
                let upload = stored.upload
                try db.execute(
                    sql: "INSERT INTO upload (name, tokenId, createdAt, fetches) VALUES (?, ?, ?, ?)",
                    arguments: [upload.name, upload.proxyTokenID, upload.created.timeIntervalSince1970, stored.fetches])
                for (name, value) in upload.blobs {
                    try db.execute(
                        sql: "INSERT INTO uploadBlob (uploadName, key, value) VALUES (?, ?, ?)",
                        arguments: [upload.name, name, value])
                }
            }
            try appendAudits(snapshot.auditEvents, db: db)
            for (credential, organizations) in zip(snapshot.credentials, organizations) {
                try db.execute(
                    sql: "INSERT INTO credential (\(Self.credentialColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        credential.serial, credential.commonName, organizations,
                        credential.notAfter.timeIntervalSince1970,
                        credential.created.timeIntervalSince1970, credential.actor,
                        credential.revoked?.timeIntervalSince1970,
                        credential.revokedBy,
                    ])
            }
            for (version, request) in snapshot.certificateRequests.enumerated() {
                try db.execute(
                    sql: "INSERT INTO certificateRequest (\(Self.requestColumns)) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        request.name, Int64(version + 1), request.created.timeIntervalSince1970, request.requester,
                        request.object,
                    ])
            }
            for node in snapshot.nodes {
                try db.execute(
                    sql: "INSERT INTO node (name, addresses, recordedAt, recordedBy) VALUES (?, ?, ?, ?)",
                    arguments: [
                        node.name, node.addresses.joined(separator: ","), node.recorded.timeIntervalSince1970,
                        node.recordedBy,
                    ])
            }
            for phase in snapshot.rotationPhases {
                try db.execute(
                    sql: "INSERT INTO rotationPhase (subject, phase, updatedAt, actor, detail) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        phase.subject, phase.phase, phase.updatedAt.timeIntervalSince1970, phase.actor, phase.detail,
                    ])
            }
        }
    }

    /// One `count(*)` per table.
    public func stateCounts() async throws -> StateCounts {
        try await read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return StateCounts(
                tokens: try count("SELECT count(*) FROM bootstrapToken"),
                uploads: try count("SELECT count(*) FROM upload"),
                auditEvents: try count("SELECT count(*) FROM auditEvent"),
                credentials: try count("SELECT count(*) FROM credential"),
                revokedCredentials: try count("SELECT count(*) FROM credential WHERE revokedAt IS NOT NULL"),
                certificateRequests: try count("SELECT count(*) FROM certificateRequest"),
                nodes: try count("SELECT count(*) FROM node"),
                rotationPhases: try count("SELECT count(*) FROM rotationPhase"))
        }
    }
}
