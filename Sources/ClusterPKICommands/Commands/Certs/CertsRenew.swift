import ArgumentParser
import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIStore

/// `certs renew`: kubeadm certs renew, refusing revoked credentials and recording new kubeconfig serials.
struct CertsRenew: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract: "Renew certificates signed by the cluster CAs, with new keys (kubeadm certs renew).")

    @Argument(help: "all, or certificate names (apiserver, etcd-server, admin.conf, ...).")
    var names: [String] = ["all"]

    @Option(help: "Renew only certificates whose NotAfter falls within this duration (e.g. 720h).")
    var expiringWithin: String?

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var ledger: StateOptions

    func run() async throws {
        let context = try directories.context()
        let ledger = try await ledger.location(directories, context.settings, policy: context.policy)
            .openState(creating: false)  // a revoked credential is never renewed
        let window = try expiringWithin.map { try GoDuration(parsing: $0, field: "--expiring-within") }
        let report = try await CertificatesRenewal.run(
            context: context, names: names, expiringWithin: window, ledger: ledger, actor: LedgerActor.current()
        ) { print($0) }
        print(report.summary)
    }
}
