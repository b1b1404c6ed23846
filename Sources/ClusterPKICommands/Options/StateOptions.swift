import ArgumentParser
import ClusterPKISQLiteStore
import Foundation

/// The state database; its key is found through the database, or is `--kubernetes-dir`'s (``StateStoreLocation``).
struct StateOptions: ParsableArguments {
    @Option(help: "The state database file (tokens, uploads, ledger, audit log).")
    var db = StateStoreLocation.defaultDB

    /// Where the store and its key are, with the Kubernetes directory of `directories` if `--kubernetes-dir` was given.
    func location(_ directories: DirectoryOptions) -> StateStoreLocation {
        location(kubernetesDir: directories.givenKubernetesDir)
    }

    /// Where the store and its key are; `kubernetesDir` is `--kubernetes-dir` when it was given.
    func location(kubernetesDir: URL?) -> StateStoreLocation {
        StateStoreLocation(db: db, kubernetesDir: kubernetesDir)
    }
}
