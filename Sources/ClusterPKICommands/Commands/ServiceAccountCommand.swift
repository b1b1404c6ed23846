import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// `clusterpki sa`: the service-account signing key.
struct ServiceAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa", abstract: "Rotate the service-account signing key (sa.key, sa.pub) in phases.",
        subcommands: [ServiceAccountRotate.self, ServiceAccountStatus.self])
}

struct ServiceAccountRotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "prepare: new sa.key, sa.pub holds the new and the previous key; finish: drop the previous key.",
        discussion: "Each phase is recorded in the state database and safe to run again, also after a crash.")

    @Option(help: "prepare or finish.")
    var phase: String

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func validate() throws {
        guard ServiceAccountKeyRotation.Phase(rawValue: phase) != nil else { throw ValidationError("--phase must be prepare or finish") }
    }

    func run() async throws {
        let context = try directories.context()
        let store = try state.openStore(kubernetesDir: context.settings.kubernetesDir)
        let rotation = ServiceAccountKeyRotation(context: context, store: store, actor: LedgerActor.current())
        for line in try await rotation.run(ServiceAccountKeyRotation.Phase(rawValue: phase)!) { print(line) }
    }
}

struct ServiceAccountStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the service-account key rotation phase.")

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let context = try directories.context()
        let store = try state.openIfPresent(kubernetesDir: context.settings.kubernetesDir)
        let status = try await ServiceAccountKeyRotation.status(context: context, store: store)
        print("state: \(status.state)")
        if let recorded = status.recorded {
            print("last phase: \(recorded.phase) at \(recorded.updatedAt.ISO8601Format()) by \(recorded.actor) (\(recorded.detail))")
        } else {
            print("last phase: none recorded")
        }
        print("signing key (sa.key): \(status.signingKey ?? "missing")")
        print("verification keys (sa.pub): \(status.verificationKeys.joined(separator: ", "))")
    }
}
