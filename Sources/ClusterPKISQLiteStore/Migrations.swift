import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import GRDB

/// The schema, as versioned migrations written in SQL.
///
/// Never edit a migration once it has shipped: add a new one (`v2-…`). GRDB runs each migration in its own
/// transaction, so a database is never left half-migrated.
enum Migrations {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        // Immediate foreign-key checks keep each migration inside one IMMEDIATE transaction.
        migrator.registerMigration("v1-tokens-uploads-audit-ledger", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-certificateRequests-nodes-uploadFetches", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-rotationPhase", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-rowid-certificateRequest-auditEvent", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: v4)
        }
        return migrator
    }()

    /// Identifiers this build knows.
    static var knownIdentifiers: [String] { migrator.migrations }

    // `upload.tokenId` has no foreign key on purpose: a cascade costs a per-row check that doubles the time to sweep
    // 100,000 tokens, so the store deletes uploads with their tokens itself (`SQLiteStateStore.deleteTokens`).
    // Times are REAL seconds since 1970 (UTC). Secrets are never stored in clear: `secretMAC` is an HMAC-SHA256 under
    // a key derived from the store key, `sealedSecret` an AES-256-GCM ciphertext under another derived key.
    static let v1 = """
        CREATE TABLE storeMeta (
            key TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL
        );
        CREATE TABLE bootstrapToken (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 6),
            secretMAC BLOB NOT NULL,
            sealedSecret BLOB NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            usages TEXT NOT NULL DEFAULT '',
            groups TEXT NOT NULL DEFAULT '',
            createdAt REAL NOT NULL,
            expiresAt REAL,
            maxUses INTEGER CHECK (maxUses IS NULL OR maxUses > 0),
            usesLeft INTEGER CHECK (usesLeft IS NULL OR usesLeft >= 0)
        ) WITHOUT ROWID;
        CREATE INDEX bootstrapTokenOnExpiresAt ON bootstrapToken(expiresAt) WHERE expiresAt IS NOT NULL;
        CREATE TABLE upload (
            name TEXT PRIMARY KEY NOT NULL,
            tokenId TEXT NOT NULL,
            createdAt REAL NOT NULL
        );
        CREATE INDEX uploadOnTokenId ON upload(tokenId);
        CREATE TABLE uploadBlob (
            uploadName TEXT NOT NULL REFERENCES upload(name) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (uploadName, key)
        ) WITHOUT ROWID;
        CREATE TABLE authFailure (
            scope TEXT NOT NULL CHECK (scope IN ('token', 'client')),
            subject TEXT NOT NULL,
            windowStart REAL NOT NULL,
            failures INTEGER NOT NULL,
            blockedUntil REAL,
            expiresAt REAL NOT NULL,
            PRIMARY KEY (scope, subject)
        ) WITHOUT ROWID;
        CREATE INDEX authFailureOnExpiresAt ON authFailure(expiresAt);
        CREATE TABLE auditEvent (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time REAL NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            tokenId TEXT,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE credential (
            serial TEXT PRIMARY KEY NOT NULL,
            commonName TEXT NOT NULL,
            organizations TEXT NOT NULL,
            notAfter REAL NOT NULL,
            createdAt REAL NOT NULL,
            actor TEXT NOT NULL,
            revokedAt REAL,
            revokedBy TEXT
        ) WITHOUT ROWID;
        CREATE INDEX credentialOnCommonName ON credential(commonName);
        """

    // Added by the join endpoint (`clusterpki serve`): CertificateSigningRequests as the served JSON object (the
    // server owns its shape), the names and addresses recorded for each node when its client certificate was
    // approved (kubelet-serving approval checks SANs against them), and a fetch counter per upload.
    static let v2 = """
        CREATE TABLE certificateRequest (
            name TEXT PRIMARY KEY NOT NULL,
            resourceVersion INTEGER NOT NULL,
            createdAt REAL NOT NULL,
            requester TEXT NOT NULL,
            object BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX certificateRequestOnResourceVersion ON certificateRequest(resourceVersion);
        CREATE TABLE node (
            name TEXT PRIMARY KEY NOT NULL,
            addresses TEXT NOT NULL DEFAULT '',
            recordedAt REAL NOT NULL,
            recordedBy TEXT NOT NULL
        ) WITHOUT ROWID;
        ALTER TABLE upload ADD COLUMN fetches INTEGER NOT NULL DEFAULT 0;
        """

    // Added by scheduled and phased rotation (`clusterpki sa rotate`, `clusterpki ca rotate`): the phase each rotation
    // subject (`sa`, `ca`, `front-proxy-ca`, `etcd-ca`) has completed, so a re-run after a crash resumes it.
    static let v3 = """
        CREATE TABLE rotationPhase (
            subject TEXT PRIMARY KEY NOT NULL,
            phase TEXT NOT NULL,
            updatedAt REAL NOT NULL,
            actor TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID;
        """

    // Fewer pages written per signed CSR (issue 15), same columns and values. `certificateRequest` becomes a rowid
    // table keyed by its resourceVersion: a new or updated request is appended at the table's end with its ~2 KB
    // object inline, where the WITHOUT ROWID row keyed by name put it on a random leaf with most of the object on an
    // overflow page of its own, plus an entry in the resourceVersion index; the name keeps a unique index. The audit
    // log drops AUTOINCREMENT, which read and rewrote `sqlite_sequence` at every insert: ids still increase, since
    // pruning deletes the oldest events; only a log pruned to nothing starts again at 1 (ids order the events that
    // are there, nothing keeps one across a prune).
    static let v4 = """
        CREATE TABLE certificateRequestByVersion (
            resourceVersion INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            createdAt REAL NOT NULL,
            requester TEXT NOT NULL,
            object BLOB NOT NULL
        );
        INSERT INTO certificateRequestByVersion (resourceVersion, name, createdAt, requester, object)
            SELECT resourceVersion, name, createdAt, requester, object FROM certificateRequest ORDER BY resourceVersion;
        DROP TABLE certificateRequest;
        ALTER TABLE certificateRequestByVersion RENAME TO certificateRequest;
        CREATE UNIQUE INDEX certificateRequestOnName ON certificateRequest(name);
        CREATE TABLE auditEventPlain (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            tokenId TEXT,
            detail TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO auditEventPlain (id, time, actor, action, tokenId, detail)
            SELECT id, time, actor, action, tokenId, detail FROM auditEvent ORDER BY id;
        DROP TABLE auditEvent;
        ALTER TABLE auditEventPlain RENAME TO auditEvent;
        """
}
