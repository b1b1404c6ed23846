import ArgumentParser
import ClusterPKICore
import ClusterPKILifecycle

/// `download-certs`: the shared certificates of an upload into this node's certificate directory.
struct DownloadCerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download-certs",
        abstract: "Decrypt the uploaded shared certificates into this node's certificate directory (all or nothing).")

    @Option(help: "The certificate key printed by upload-certs.")
    var certificateKey: String

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let key = try CertificateKey(parsing: certificateKey)
        let context = try directories.context()
        let location = try state.location(directories, context.settings, policy: context.policy)
        let store = try await location.openForDownload()
        try await CertificateDownloader.run(context: context, store: store, key: key, stateKey: location.sharedStateKey)
        {
            print($0)
        }
        // The key that arrived (or was here) must open the shared store: a mismatch names both.
        if location.etcd != nil { _ = try await location.openState() }
    }
}
