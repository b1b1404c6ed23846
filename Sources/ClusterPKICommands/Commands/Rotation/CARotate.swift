import ArgumentParser
import ClusterPKILifecycle
import ClusterPKIStore

/// `ca rotate <ca> --phase …`: one resumable phase of a CA rotation.
struct CARotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract:
            "prepare: create the next CA, trusted with the current one; switch: the next CA signs and re-issues every leaf; finish: drop the previous CA."
    )

    @Argument(help: "ca, front-proxy-ca or etcd-ca.")
    var authority: String

    @Option(help: "prepare, switch or finish.")
    var phase: String

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    @Flag(help: "No progress counter (it is shown only when standard error is a terminal).")
    var quiet = false

    func validate() throws {
        guard CertificateAuthorityRotation.Phase(rawValue: phase) != nil else {
            throw ValidationError("--phase must be prepare, switch or finish")
        }
    }

    func run() async throws {
        guard let phase = CertificateAuthorityRotation.Phase(rawValue: phase) else {
            throw ValidationError("--phase must be prepare, switch or finish")
        }
        let context = try directories.context()
        let store = try await state.location(directories, context.settings, policy: context.policy).openState()
        var rotation = try CertificateAuthorityRotation(
            context: context, authority: authority, store: store, actor: LedgerActor.current())
        let display = ProgressDisplay(quiet: quiet)
        rotation.progress = display.sink
        let lines: [String]
        do {
            defer { display.clear() }
            lines = try await rotation.run(phase)
        }
        for line in lines { print(line) }
    }
}
