import ClusterPKIEtcdStore
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// The one way the commands open the state store: a SQLite file and the key that protects it. The only place that
/// names the backend.
///
/// Which key: with `--kubernetes-dir`, its `pki/clusterpki-state.key`; without it, the key the database recorded when
/// it was created (a database from before that record: the default `/etc/kubernetes/pki` key, or one beside the
/// database). A new database gets its key at ``keyURL``. An existing database never gets a new key: a missing or
/// foreign key is a ``StateKeyError`` naming both paths and the flag that fixes it.
///
/// With `--store etcd://` (``etcd``), the store is shared by every control-plane node and its key is
/// `<kubernetes-dir>/pki/clusterpki-state.key` on each (see `StateStoreLocation+Etcd.swift`, whose `openState` family
/// is what the commands call for either backend); the key record described above is the SQLite file's own.
struct StateStoreLocation: Sendable {
    /// The database file (`--db`).
    var db: String
    /// `--kubernetes-dir` when it was given (with etcd: the cluster's directory, given or default).
    var kubernetesDir: URL?
    /// The etcd store `--store etcd://...` chose; nil means the SQLite file `db`.
    var etcd: EtcdConfiguration? = nil

    static let defaultDB = "/var/lib/clusterpki/state.db"
    static let defaultKubernetesDir = URL(fileURLWithPath: "/etc/kubernetes")

    /// `DIR/pki/clusterpki-state.key`.
    static func keyURL(in kubernetesDir: URL) -> URL {
        kubernetesDir.appendingPathComponent("pki").appendingPathComponent(StoreKey.defaultFileName)
    }

    private var dbURL: URL { URL(fileURLWithPath: db).standardizedFileURL }

    /// Where a new database's key goes: `<kubernetes-dir>/pki/clusterpki-state.key` when `--kubernetes-dir` is given
    /// (or neither flag is: the default cluster), else beside the database, so that the key follows `--db`.
    var keyURL: URL {
        if let kubernetesDir { return Self.keyURL(in: kubernetesDir).standardizedFileURL }
        if dbURL.path == Self.defaultDB { return Self.keyURL(in: Self.defaultKubernetesDir) }
        return dbURL.deletingLastPathComponent().appendingPathComponent(StoreKey.defaultFileName)
    }

    /// Opens the database for writing; a new one is created with a new key at ``keyURL``.
    func open() throws -> SQLiteStateStore {
        guard let record = try SQLiteStateStore.keyRecord(path: db) else {
            let url = keyURL
            return try SQLiteStateStore(path: db, storeKey: try StoreKey.loadOrCreate(at: url), keyPath: url.path)
        }
        let (url, key) = try key(for: record)
        return try SQLiteStateStore(path: db, storeKey: key, keyPath: url.path)
    }

    /// The store for writing if its database exists: a missing ledger has revoked nothing, and is not created.
    func openIfPresent() throws -> SQLiteStateStore? {
        FileManager.default.fileExists(atPath: db) ? try open() : nil
    }

    /// ``open()``, or ``openIfPresent()`` when `creating` is false (a dry run creates nothing).
    func open(creating: Bool) throws -> SQLiteStateStore? {
        creating ? try open() : try openIfPresent()
    }

    /// The store opened read-only, or nil when there is no database: creates nothing (no database, no key, no
    /// directory). `withKey: false` reads the ledger, rotation phases and audit log without loading the key at all.
    func openReadOnly(withKey: Bool) throws -> SQLiteStateStore? {
        guard let record = try SQLiteStateStore.keyRecord(path: db) else { return nil }
        let key = withKey ? try key(for: record).key : nil
        return try SQLiteStateStore(readOnlyAt: db, storeKey: key)
    }

    /// The key of a database that has one, never created: `--kubernetes-dir`'s, else the recorded one, else (an older
    /// database) the first of the default and the one beside the database that matches.
    func key(for record: StoreKeyRecord) throws -> (url: URL, key: StoreKey) {
        let candidates: [URL]
        if let kubernetesDir {
            candidates = [Self.keyURL(in: kubernetesDir).standardizedFileURL]
        } else if let path = record.keyPath {
            candidates = [URL(fileURLWithPath: path)]
        } else {
            let beside = dbURL.deletingLastPathComponent().appendingPathComponent(StoreKey.defaultFileName)
            candidates =
                [Self.keyURL(in: Self.defaultKubernetesDir)]
                + (beside == Self.keyURL(in: Self.defaultKubernetesDir) ? [] : [beside])
        }
        var foreign: [(url: URL, id: String)] = []
        for url in candidates {
            guard let key = try StoreKey.load(at: url) else { continue }
            if key.id == record.keyID { return (url, key) }
            foreign.append((url, key.id))
        }
        let problem = StateKeyError.Problem(
            db: dbURL.path, record: record, tried: candidates, foreign: foreign,
            kubernetesDirGiven: kubernetesDir != nil)
        throw foreign.isEmpty ? StateKeyError.missing(problem) : StateKeyError.mismatch(problem)
    }
}
