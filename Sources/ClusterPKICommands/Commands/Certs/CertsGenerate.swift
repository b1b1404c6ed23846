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

    func run() async throws {
        let context = try cluster.context(directories)
        try await CertsPhase(context: context).generate(names) { print($0) }
    }
}
