import ArgumentParser
import ClusterPKICore
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// The state store: a SQLite file (`--db`) or etcd (`--store etcd://...`); its key is always
/// `<kubernetes-dir>/pki/clusterpki-state.key`, whichever command opens it.
struct StateOptions: ParsableArguments {
    @Option(help: "The state database file (tokens, uploads, ledger, audit log).")
    var db = "/var/lib/clusterpki/state.db"

    @OptionGroup var storeFlags: StoreFlags

    /// The backend `--store` (or `--db`) names.
    func selection() throws -> StoreSelection {
        try storeFlags.selection(db: db)
    }

    /// Where the SQLite store and its key are for the cluster in `kubernetesDir`.
    func location(kubernetesDir: URL) -> StateStoreLocation {
        StateStoreLocation(db: db, kubernetesDir: kubernetesDir)
    }

    /// Where the store and its key are for the cluster of `settings` (whose `--config` may name etcd's endpoints).
    func location(_ settings: ClusterSettings, policy: PKIPolicy? = nil) throws -> StateStoreLocation {
        try storeFlags.etcd.location(selection(), settings: settings, policy: policy)
    }

    /// Whether `--store` chose etcd.
    var usesEtcd: Bool { (try? selection().isEtcd) ?? false }

    /// Opens (and on first use creates) the store and its key.
    func openStore(_ settings: ClusterSettings, policy: PKIPolicy? = nil) async throws -> any StateStore {
        try await location(settings, policy: policy).openState()
    }

    /// The store if it exists: a missing ledger has revoked nothing, and is not created.
    func openIfPresent(_ settings: ClusterSettings, policy: PKIPolicy? = nil) async throws -> (any StateStore)? {
        try await location(settings, policy: policy).openState(creating: false)
    }
}
