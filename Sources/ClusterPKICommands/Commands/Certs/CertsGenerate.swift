import ArgumentParser
import ClusterPKICore

/// `certs generate`: kubeadm init phase certs.
struct CertsGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate the missing certificates and keys of the tree (kubeadm init phase certs).")

    @Argument(help: "all, or certificate names (ca, apiserver, etcd-server, sa, ...).")
    var names: [String] = ["all"]

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var cluster: ClusterFlags

    @Option(
        help: "The state store, as the other commands take it; with etcd://..., clusterpki-etcd-client is issued too.")
    var store: String?

    func validate() throws {
        _ = try StoreSelection(parsing: store, db: "")
    }

    func run() async throws {
        var overrides = cluster.overrides
        overrides.stateStoreOnEtcd = try StoreSelection(parsing: store, db: "").isEtcd
        let context = try directories.context(overrides)
        try await CertsPhase(context: context).generate(names) { print($0) }
    }
}
