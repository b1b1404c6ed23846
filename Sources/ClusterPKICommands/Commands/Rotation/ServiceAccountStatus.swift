import ArgumentParser
import ClusterPKILifecycle

/// `sa status`: the key files and the recorded phase.
struct ServiceAccountStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the service-account key rotation phase.")

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let context = try directories.context()
        let store = try await state.location(directories, context.settings, policy: context.policy)
            .openReadOnlyState(withKey: false)
        let status = try await ServiceAccountKeyRotation.status(context: context, store: store)
        RotationStatusOutput.serviceAccount(status).forEach { print($0) }
    }
}
