import ArgumentParser
import ClusterPKICore
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// The token commands' flags (kubeadm's `--kubernetes-dir` without `--cert-dir` or `--config`); the store opens as
/// every other command opens it (``StateStoreLocation``).
struct TokenStoreOptions: ParsableArguments {
    @Option(help: "The state database file.")
    var db = "/var/lib/clusterpki/state.db"

    @Option(
        name: .customLong("kubernetes-dir"),
        help: "The kubernetes directory; the store key is pki/clusterpki-state.key in it.")
    var kubernetesDir = "/etc/kubernetes"

    @Option(help: "A policy file or name (kubeadm, hardened); sets the failed-authentication limits.")
    var policy: String?

    @OptionGroup var storeFlags: StoreFlags

    /// The backend `--store` (or `--db`) names.
    func selection() throws -> StoreSelection {
        try storeFlags.selection(db: db)
    }

    var location: StateStoreLocation { StateStoreLocation(db: db, kubernetesDir: URL(fileURLWithPath: kubernetesDir)) }

    /// The brute-force limits of the selected policy.
    func authenticationPolicy() throws -> TokenAuthPolicy {
        TokenAuthPolicy(try PKIPolicy(contentsOf: PolicyLocator.locate(policy)).tokenAuthentication)
    }

    /// Opens the store, creating the key file on first use; etcd's files default to those of a stacked member
    /// under `<kubernetes-dir>/pki`.
    func openStore() async throws -> any StateStore {
        let settings = ClusterSettings(kubernetesDir: URL(fileURLWithPath: kubernetesDir))
        return try await storeFlags.etcd.location(selection(), settings: settings, policy: nil).openState()
    }
}
