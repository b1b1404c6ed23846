import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// Every certificate `renew` and `check-expiration` know about for this cluster.
func renewableCredentials(_ context: TreeContext) throws -> [any RenewableCredential] {
    context.fileCredentials + context.kubeconfigCredentials
}

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
        let credentialLedger = try ledger.openIfPresent(kubernetesDir: context.settings.kubernetesDir)  // a revoked credential is never renewed
        let window = try expiringWithin.map { try GoDuration(parsing: $0, field: "--expiring-within") }
        let renewer = Renewer.recordingInLedger(
            context: context, credentials: try renewableCredentials(context), ledger: credentialLedger, actor: LedgerActor.current())
        let report = try await renewer.renew(names, expiringWithin: window) { print($0) }
        print(report.summary)
    }
}

struct CertsCheckExpiration: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-expiration",
        abstract: "Show when each certificate and CA expires (kubeadm certs check-expiration).")

    @Option(name: [.customShort("o"), .long], help: "text or json.")
    var output = "text"

    @OptionGroup var directories: DirectoryOptions

    func validate() throws {
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json") }
    }

    func run() async throws {
        let context = try directories.context()
        let report = try await context.directory.withExclusiveLock(create: false) {
            try ExpirationReport(context: context, credentials: try renewableCredentials(context))
        }
        print(output == "json" ? try report.json() : report.text(), terminator: output == "json" ? "\n" : "")
    }
}
