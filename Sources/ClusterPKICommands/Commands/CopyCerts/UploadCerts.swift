import ArgumentParser
import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIStore

/// `upload-certs`: kubeadm init phase upload-certs.
struct UploadCerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload-certs",
        abstract:
            "Encrypt the shared control-plane certificates and store them for two hours (kubeadm init phase upload-certs)."
    )

    @Option(help: "The certificate key (64 hex characters); a new one is generated when omitted.")
    var certificateKey: String?

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let key = try certificateKey.map { try CertificateKey(parsing: $0) }
        let context = try directories.context()
        let location = try state.location(directories, context.settings, policy: context.policy)
        let store = try await location.openState()
        try await CertificateUploader.run(
            context: context, store: store, key: key, actor: LedgerActor.current(), stateKey: location.sharedStateKey
        ) {
            print($0)
        }
    }
}
