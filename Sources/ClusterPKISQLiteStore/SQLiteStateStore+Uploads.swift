import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// Stores `blobs` under `name` bound to a new proxy token (kubeadm's: no usages, no groups), replacing any
    /// previous upload and its proxy token in the same transaction.
    public func storeUpload(
        name: String, blobs: [String: Data], ttl: TimeInterval = Upload.defaultTTL, actor: String, now: Date
    ) async throws -> Upload {
        guard ttl > 0 else {
            throw StoreError.invalidDuration(
                GoDuration(seconds: ttl).description, reason: "an upload needs a positive TTL")
        }
        return try await write { db in
            if let previous = try String.fetchOne(
                db, sql: "SELECT tokenId FROM upload WHERE name = ?", arguments: [name])
            {
                try deleteTokens(db, where: "id = ?", arguments: [previous])
                try db.run(sql: "DELETE FROM upload WHERE name = ?", arguments: [name])
                try appendAudit(
                    AuditEvent(
                        time: now, actor: actor, action: .tokenDeleted, tokenID: previous,
                        detail: "replaced upload \(name)"),
                    db: db)
            }
            let request = TokenRequest(ttl: ttl, usages: [], groups: [], description: Upload.proxyTokenDescription)
            let proxy = try insertToken(request, actor: actor, now: now, db: db)
            try db.run(
                sql: "INSERT INTO upload (name, tokenId, createdAt) VALUES (?, ?, ?)",
                arguments: [name, proxy.id, now.timeIntervalSince1970])
            for (key, value) in blobs {
                try db.run(
                    sql: "INSERT INTO uploadBlob (uploadName, key, value) VALUES (?, ?, ?)",
                    arguments: [name, key, value])
            }
            try appendAudit(
                AuditEvent(
                    time: now, actor: actor, action: .uploadStored, tokenID: proxy.id,
                    detail: "\(name): \(blobs.keys.sorted().joined(separator: ","))"),
                db: db)
            return Upload(name: name, blobs: blobs, proxyTokenID: proxy.id, created: now, expires: proxy.expires)
        }
    }

    /// The live upload `name`; an expired one is deleted and reported as not found.
    public func upload(named name: String, now: Date) async throws -> Upload {
        // Not found is returned, not thrown, so that the expiry deletion commits.
        let upload: Upload? = try await write { db in
            try expireTokens(
                db, now: now, condition: "id IN (SELECT tokenId FROM upload WHERE name = ?)", arguments: [name])
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT upload.tokenId, upload.createdAt, bootstrapToken.expiresAt
                        FROM upload JOIN bootstrapToken ON bootstrapToken.id = upload.tokenId WHERE upload.name = ?
                        """,
                    arguments: [name])
            else { return nil }
            var blobs: [String: Data] = [:]
            for blob in try Row.fetchAll(
                db, sql: "SELECT key, value FROM uploadBlob WHERE uploadName = ?", arguments: [name])
            {
                blobs[blob["key"]] = blob["value"]
            }
            return Upload(
                name: name, blobs: blobs, proxyTokenID: row["tokenId"],
                created: Date(timeIntervalSince1970: row["createdAt"]),
                expires: (row["expiresAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
        guard let upload else { throw StoreError.uploadNotFound(name: name) }
        return upload
    }

    /// Deletes the upload `name` together with its proxy token.
    public func deleteUpload(named name: String, actor: String, now: Date) async throws {
        try await write { db in
            guard
                let tokenID = try String.fetchOne(
                    db, sql: "SELECT tokenId FROM upload WHERE name = ?", arguments: [name])
            else {
                throw StoreError.uploadNotFound(name: name)
            }
            try deleteTokens(db, where: "id = ?", arguments: [tokenID])
            try appendAudit(
                AuditEvent(time: now, actor: actor, action: .uploadDeleted, tokenID: tokenID, detail: name), db: db)
        }
    }
}
