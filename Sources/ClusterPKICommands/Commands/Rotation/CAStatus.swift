import ArgumentParser
import ClusterPKILifecycle

/// `ca status`: the recorded phase and the trust bundle of each CA.
struct CAStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the rotation phase of each CA.")

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let context = try directories.context()
        let store = try await state.location(directories, context.settings, policy: context.policy)
            .openReadOnlyState(withKey: false)
        let entries = try await CertificateAuthorityRotation.status(context: context, store: store)
        RotationStatusOutput.authorities(entries).forEach { print($0) }
    }
}
