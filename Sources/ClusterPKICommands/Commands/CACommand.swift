import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// `clusterpki ca`: phased rotation of the cluster CAs.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "Rotate a cluster CA in phases (prepare, switch, finish).",
        subcommands: [CARotate.self, CAStatus.self])
}

struct CARotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "prepare: create the next CA, trusted with the current one; switch: the next CA signs and re-issues every leaf; finish: drop the previous CA.")

    @Argument(help: "ca, front-proxy-ca or etcd-ca.")
    var authority: String

    @Option(help: "prepare, switch or finish.")
    var phase: String

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func validate() throws {
        guard CertificateAuthorityRotation.Phase(rawValue: phase) != nil else { throw ValidationError("--phase must be prepare, switch or finish") }
    }

    func run() async throws {
        let context = try directories.context()
        let store = try state.openStore(kubernetesDir: context.settings.kubernetesDir)
        let rotation = try CertificateAuthorityRotation(context: context, authority: authority, store: store, actor: LedgerActor.current())
        for line in try await rotation.run(CertificateAuthorityRotation.Phase(rawValue: phase)!) { print(line) }
    }
}

struct CAStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the rotation phase of each CA.")

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let context = try directories.context()
        let store = try state.openIfPresent(kubernetesDir: context.settings.kubernetesDir)
        for entry in try await CertificateAuthorityRotation.status(context: context, store: store) {
            let phase = entry.phase.map { "\($0.phase) at \($0.updatedAt.ISO8601Format()) (\($0.detail))" } ?? "none recorded"
            print("\(entry.name): phase \(phase); trust bundle holds \(entry.bundle) certificate(s)")
        }
    }
}
