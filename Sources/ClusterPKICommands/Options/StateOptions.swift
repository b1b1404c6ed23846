import ArgumentParser
import ClusterPKICore
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// The state store: a SQLite file (`--db`, whose key is found through the database or is `--kubernetes-dir`'s) or
/// etcd (`--store etcd://...`, the key of the cluster's directory); ``StateStoreLocation`` opens either.
struct StateOptions: ParsableArguments {
    @Option(help: "The state database file (tokens, uploads, ledger, audit log).")
    var db = StateStoreLocation.defaultDB

    @OptionGroup var storeFlags: StoreFlags

    /// The backend `--store` (or `--db`) names.
    func selection() throws -> StoreSelection {
        try storeFlags.selection(db: db)
    }

    /// Where the chosen store and its key are for the cluster of `settings` (whose `--config` may name etcd's
    /// endpoints), with `directories`' `--kubernetes-dir` if it was given.
    func location(_ directories: DirectoryOptions, _ settings: ClusterSettings, policy: PKIPolicy? = nil) throws
        -> StateStoreLocation
    {
        try storeFlags.etcd.location(
            selection(), givenKubernetesDir: directories.givenKubernetesDir, settings: settings, policy: policy)
    }

    /// ``location(_:_:policy:)`` for the settings `directories` read (no `--config` endpoints).
    func location(_ directories: DirectoryOptions) throws -> StateStoreLocation {
        try location(directories, directories.settings())
    }

    /// Whether `--store` chose etcd.
    var usesEtcd: Bool { (try? selection().isEtcd) ?? false }
}
