import ClusterPKIEtcdStore
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// The one way the commands open the state store: a SQLite file and its key, which is always
/// `<kubernetes-dir>/pki/clusterpki-state.key`, whichever command opens it. The only place that names the backend.
struct StateStoreLocation: Sendable {
    var db: String
    var kubernetesDir: URL
    /// The etcd store `--store etcd://...` chose (see `StateStoreLocation+Etcd.swift`); nil means the SQLite file `db`.
    var etcd: EtcdConfiguration? = nil

    /// The store key file, `<kubernetes-dir>/pki/clusterpki-state.key`.
    var keyURL: URL {
        kubernetesDir.appendingPathComponent("pki").appendingPathComponent(StoreKey.defaultFileName)
    }

    /// Opens (and on first use creates) the database and its key.
    func open() throws -> SQLiteStateStore {
        try SQLiteStateStore(path: db, storeKey: try StoreKey.loadOrCreate(at: keyURL))
    }

    /// The store if its database exists: a missing ledger has revoked nothing, and is not created.
    func openIfPresent() throws -> SQLiteStateStore? {
        FileManager.default.fileExists(atPath: db) ? try open() : nil
    }

    /// ``open()``, or ``openIfPresent()`` when `creating` is false (a dry run creates nothing).
    func open(creating: Bool) throws -> SQLiteStateStore? {
        creating ? try open() : try openIfPresent()
    }
}
