import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// Phase `upload-certs` as one library call, for `upload-certs`, `init --upload-certs` and the server's
/// `certificateuploads` route: seals the shared certificates and stores them for two hours.
public enum CertificateUploader {
    /// What an upload produced: the key that opens it (never stored) and the stored upload.
    public struct Result: Sendable {
        public var key: CertificateKey
        public var upload: Upload
    }

    /// Seals with `key` (a new one when nil) and replaces the stored upload; the key is returned, not stored.
    /// `stateKey`, the state store's key file, goes with the certificates when the store is shared (etcd), so that a
    /// joining control-plane node can use the same store.
    public static func upload(
        context: TreeContext, store: some UploadStore, key: CertificateKey?, actor: String, stateKey: URL? = nil
    ) async throws -> Result {
        let key = key ?? CertificateKey.generate()
        let values = try SharedCertificates(context: context, stateKey: stateKey).seal(with: key)
        let upload = try await store.storeUpload(
            name: Upload.kubeadmCertsName, blobs: values, ttl: Upload.defaultTTL, actor: actor, now: context.now)
        return Result(key: key, upload: upload)
    }

    /// `upload-certs` and `init --upload-certs`: uploads, then tells kubeadm's lines and the key to `output`.
    @discardableResult
    public static func run(
        context: TreeContext, store: some UploadStore, key: CertificateKey?, actor: String, stateKey: URL? = nil,
        output: (String) -> Void
    ) async throws -> Result {
        let uploaded = try await upload(context: context, store: store, key: key, actor: actor, stateKey: stateKey)
        progressLines.forEach(output)
        output(uploaded.key.description)
        return uploaded
    }

    /// kubeadm's lines before the key is printed.
    public static let progressLines = [
        "[upload-certs] Storing the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace",
        "[upload-certs] Using certificate key:",
    ]
}
