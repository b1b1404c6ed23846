import ArgumentParser
import ClusterPKILifecycle
import ClusterPKIStore

/// `sa rotate --phase …`: one resumable phase of a service-account key rotation.
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
        guard ServiceAccountKeyRotation.Phase(rawValue: phase) != nil else {
            throw ValidationError("--phase must be prepare or finish")
        }
    }

    func run() async throws {
        guard let phase = ServiceAccountKeyRotation.Phase(rawValue: phase) else {
            throw ValidationError("--phase must be prepare or finish")
        }
        let context = try directories.context()
        let store = try await state.location(directories, context.settings, policy: context.policy).openState()
        let rotation = ServiceAccountKeyRotation(context: context, store: store, actor: LedgerActor.current())
        for line in try await rotation.run(phase) { print(line) }
    }
}
