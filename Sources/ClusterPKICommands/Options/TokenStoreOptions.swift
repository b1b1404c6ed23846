import ArgumentParser
import ClusterPKICore
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// The token commands' flags (kubeadm's `--kubernetes-dir` without `--cert-dir` or `--config`); the store opens as
/// every other command opens it (``StateStoreLocation``).
struct TokenStoreOptions: ParsableArguments {
    @Option(help: "The state database file.")
    var db = StateStoreLocation.defaultDB

    @Option(
        name: .customLong("kubernetes-dir"),
        help: ArgumentHelp(
            "The Kubernetes directory whose pki/clusterpki-state.key is the store key (default: the key the database records).",
            valueName: "kubernetes-dir"))
    var kubernetesDirFlag: String?

    /// `--kubernetes-dir`, or `/etc/kubernetes`.
    var kubernetesDir: String { kubernetesDirFlag ?? StateStoreLocation.defaultKubernetesDir.path }

    @Option(help: "A policy file or name (kubeadm, hardened); sets the failed-authentication limits.")
    var policy: String?

    @OptionGroup var storeFlags: StoreFlags

    /// The backend `--store` (or `--db`) names.
    func selection() throws -> StoreSelection {
        try storeFlags.selection(db: db)
    }

    /// Where the chosen store is; etcd's files default to those of a stacked member under `<kubernetes-dir>/pki`.
    var location: StateStoreLocation {
        get throws {
            try storeFlags.etcd.location(
                selection(), givenKubernetesDir: kubernetesDirFlag.map { URL(fileURLWithPath: $0) },
                settings: ClusterSettings(kubernetesDir: URL(fileURLWithPath: kubernetesDir)), policy: nil)
        }
    }

    /// The brute-force limits of the selected policy.
    func authenticationPolicy() throws -> TokenAuthPolicy {
        TokenAuthPolicy(try PKIPolicy(locating: policy).tokenAuthentication)
    }

    /// Opens the store for writing, creating the database and its key on first use.
    func openStore() async throws -> any StateStore {
        try await location.openState()
    }
}
