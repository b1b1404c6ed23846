import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// The state database; its key is always `<kubernetes-dir>/pki/clusterpki-state.key`, whichever command opens it.
struct StateOptions: ParsableArguments {
    @Option(help: "The state database file (tokens, uploads, ledger, audit log).")
    var db = "/var/lib/clusterpki/state.db"

    static func keyURL(kubernetesDir: URL) -> URL {
        kubernetesDir.appendingPathComponent("pki").appendingPathComponent(StoreKey.defaultFileName)
    }

    /// Opens (and on first use creates) the database and its key.
    func openStore(kubernetesDir: URL) throws -> SQLiteStateStore {
        try SQLiteStateStore(path: db, storeKey: try StoreKey.loadOrCreate(at: Self.keyURL(kubernetesDir: kubernetesDir)))
    }

    /// The store if its database exists: a missing ledger has revoked nothing, and is not created.
    func openIfPresent(kubernetesDir: URL) throws -> SQLiteStateStore? {
        FileManager.default.fileExists(atPath: db) ? try openStore(kubernetesDir: kubernetesDir) : nil
    }
}
