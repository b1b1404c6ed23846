import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

struct UploadCerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload-certs",
        abstract: "Encrypt the shared control-plane certificates and store them for two hours (kubeadm init phase upload-certs).")

    @Option(help: "The certificate key (64 hex characters); a new one is generated when omitted.")
    var certificateKey: String?

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let key = try certificateKey.map { try CertificateKey(parsing: $0) }
        let context = try directories.context()
        let store = try state.openStore(kubernetesDir: context.settings.kubernetesDir)
        let uploaded = try await CertificateUploader.upload(context: context, store: store, key: key, actor: LedgerActor.current())
        CertificateUploader.progressLines.forEach { print($0) }
        print(uploaded.key)
    }
}

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
        let store = try state.openStore(kubernetesDir: context.settings.kubernetesDir)
        print(CertificateDownloader.progressLine)
        for path in try await CertificateDownloader.download(context: context, store: store, key: key) {
            print("[download-certs] Saved \(path)")
        }
    }
}
