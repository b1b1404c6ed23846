import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// Phase `download-certs` on a node that reaches the state store: decrypts the upload into this node's certificate
/// directory, all or nothing.
public enum CertificateDownloader {
    public static let progressLine =
        "[download-certs] Downloading the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace"

    /// `download-certs`: tells kubeadm's line to `output`, downloads, then one line per file written.
    @discardableResult
    public static func run(
        context: TreeContext, store: some UploadStore, key: CertificateKey, stateKey: URL? = nil,
        output: (String) -> Void
    ) async throws -> [String] {
        output(progressLine)
        let paths = try await download(context: context, store: store, key: key, stateKey: stateKey)
        for path in paths { output("[download-certs] Saved \(path)") }
        return paths
    }

    /// Writes the shared files and returns their paths; kubeadm's message when the upload expired. A state key in
    /// the upload is written to `stateKey` (0600).
    public static func download(
        context: TreeContext, store: some UploadStore, key: CertificateKey, stateKey: URL? = nil
    ) async throws -> [String] {
        let upload: Upload
        do {
            upload = try await store.upload(named: Upload.kubeadmCertsName, now: context.now)
        } catch StoreError.uploadNotFound {
            throw PKIError.config(
                path: "kubeadm-certs",
                problem:
                    "Secret \"kubeadm-certs\" was not found in the \"kube-system\" Namespace. This Secret might have expired. Please, run `clusterpki upload-certs` on a control plane to generate a new one"
            )
        }
        return try await SharedCertificates(context: context, stateKey: stateKey).open(upload.blobs, with: key)
    }
}
