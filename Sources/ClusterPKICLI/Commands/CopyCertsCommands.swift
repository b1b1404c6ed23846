import ArgumentParser
import ClusterPKIKubeconfig
import ClusterPKICore
import ClusterPKIStore
import Foundation

/// Library entry points shared by `upload-certs`, `init --upload-certs` and the server.
enum CopyCerts {
    /// Seals the shared certificates and stores them for two hours; returns the key to print.
    static func upload(context: TreeContext, store: some UploadStore, key: CertificateKey?) async throws -> CertificateKey {
        let key = key ?? CertificateKey.generate()
        let values = try SharedCertificates(context: context).seal(with: key)
        _ = try await store.storeUpload(name: Upload.kubeadmCertsName, blobs: values, ttl: Upload.defaultTTL,
                                        actor: LedgerActor.current(), now: context.now)
        return key
    }

    static let uploadLines = ["[upload-certs] Storing the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace",
                              "[upload-certs] Using certificate key:"]
}

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
        let context = TreeContext(policy: try directories.loadPolicy(), settings: try directories.settings())
        let store = try state.openStore(kubernetesDir: context.settings.kubernetesDir)
        let used = try await CopyCerts.upload(context: context, store: store, key: key)
        CopyCerts.uploadLines.forEach { print($0) }
        print(used)
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
        let context = TreeContext(policy: try directories.loadPolicy(), settings: try directories.settings())
        let store = try state.openStore(kubernetesDir: context.settings.kubernetesDir)
        print("[download-certs] Downloading the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace")
        let upload: Upload
        do {
            upload = try await store.upload(named: Upload.kubeadmCertsName, now: context.now)
        } catch StoreError.uploadNotFound {
            throw PKIError.config(path: "kubeadm-certs", problem: "Secret \"kubeadm-certs\" was not found in the \"kube-system\" Namespace. This Secret might have expired. Please, run `clusterpki upload-certs` on a control plane to generate a new one")
        }
        for path in try await SharedCertificates(context: context).open(upload.blobs, with: key) {
            print("[download-certs] Saved \(path)")
        }
    }
}
