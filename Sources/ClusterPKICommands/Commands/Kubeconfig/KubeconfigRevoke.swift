import ArgumentParser
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// `kubeconfig revoke`: marks ledger credentials revoked.
struct KubeconfigRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Mark credentials revoked: clusterpki never renews them and the join endpoint refuses them.")

    @Argument(help: "The serial number (hex, as `kubeconfig list` shows it).")
    var serial: String?

    @Option(help: "Revoke every credential issued to this client name instead.")
    var clientName: String?

    @OptionGroup var ledger: StateOptions
    @OptionGroup var directories: DirectoryOptions

    func validate() throws {
        guard try target() != nil else { throw ValidationError("pass either a SERIAL or --client-name NAME") }
    }

    func target() throws -> CredentialRevocation.Target? {
        try CredentialRevocation.Target(serial: serial, clientName: clientName)
    }

    func run() async throws {
        guard let target = try target() else { throw ValidationError("pass either a SERIAL or --client-name NAME") }
        let ledger = try await ledger.location(directories, try directories.settings()).openState(creating: false)
        let records = try await CredentialRevocation.revoke(
            target, ledger: ledger, actor: LedgerActor.current(), now: Date())
        records.map(LedgerListing.revokedLine).forEach { print($0) }
    }
}
