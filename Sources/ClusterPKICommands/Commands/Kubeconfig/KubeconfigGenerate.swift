import ArgumentParser
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore

/// `kubeconfig generate`: kubeadm init phase kubeconfig; every client certificate is recorded in the ledger.
struct KubeconfigGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the kubeconfig files of the kubernetes dir (kubeadm init phase kubeconfig).")

    @Argument(help: "all, or admin, super-admin, kubelet, controller-manager, scheduler.")
    var names: [String] = ["all"]

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var state: StateOptions

    func run() async throws {
        let context = try cluster.context(directories)
        let store = try state.location(directories, context.settings, policy: context.policy)
        let actor = LedgerActor.current()
        // The ledger opens only once something is to be minted (a re-run that writes nothing creates no database).
        try await KubeconfigPhase(context: context).generate(
            names, recorder: { LedgerRecorder(ledger: try await store.openState(), actor: actor, now: context.now) }
        ) { print($0) }
    }
}
