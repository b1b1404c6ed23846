import ArgumentParser
import ClusterPKISQLiteStore
import Foundation

/// The state database; its key is always `<kubernetes-dir>/pki/clusterpki-state.key`, whichever command opens it.
struct StateOptions: ParsableArguments {
    @Option(help: "The state database file (tokens, uploads, ledger, audit log).")
    var db = "/var/lib/clusterpki/state.db"

    /// Where the store and its key are for the cluster in `kubernetesDir`.
    func location(kubernetesDir: URL) -> StateStoreLocation {
        StateStoreLocation(db: db, kubernetesDir: kubernetesDir)
    }

    /// Opens (and on first use creates) the database and its key.
    func openStore(kubernetesDir: URL) throws -> SQLiteStateStore {
        try location(kubernetesDir: kubernetesDir).open()
    }

    /// The store if its database exists: a missing ledger has revoked nothing, and is not created.
    func openIfPresent(kubernetesDir: URL) throws -> SQLiteStateStore? {
        try location(kubernetesDir: kubernetesDir).openIfPresent()
    }
}
