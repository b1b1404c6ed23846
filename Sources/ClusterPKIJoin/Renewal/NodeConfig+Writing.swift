import ClusterPKICore
import ClusterPKIKubeconfig
import Foundation

extension NodeConfig {
    /// kubelet.conf's CA (embedded or its file) and a worker's `pki/ca.crt`, each replaced atomically. On a
    /// control-plane node (`pki/ca.key` beside it) `ca.crt` belongs to the CA and its rotation phases, never to this.
    func writeTrust(_ pem: String, kubernetesDir: URL) throws {
        let pkiCA = kubernetesDir.appendingPathComponent("pki/ca.crt")
        let controlPlane = FileManager.default.fileExists(
            atPath: kubernetesDir.appendingPathComponent("pki/ca.key").path)
        let caFileIsPKI =
            caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path == pkiCA.standardizedFileURL.path } ?? false
        if let caFile {
            guard !(controlPlane && caFileIsPKI) else { return }
            try Self.replace(URL(fileURLWithPath: caFile), with: pem)
        } else {
            try Self.replace(
                url, with: try document.replacing([.certificateAuthorityData: Data(pem.utf8).base64EncodedString()]))
        }
        if !controlPlane, !caFileIsPKI, FileManager.default.fileExists(atPath: pkiCA.path) {
            try Self.replace(pkiCA, with: pem)
        }
    }

    /// The new pair where the old one was: one combined PEM file (the kubelet's), two files, or embedded data.
    func writeCredential(certificatePEM: String, key: PrivateKeyMaterial, kubernetesDir: URL) throws {
        let keyPEM = try key.pemString()
        guard let certificateFile, let keyFile else {
            let current = try KubeconfigDocument(
                text: String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self),
                path: url.path)
            try Self.replace(
                url,
                with: try current.replacing([
                    .clientCertificateData: Data(certificatePEM.utf8).base64EncodedString(),
                    .clientKeyData: Data(keyPEM.utf8).base64EncodedString(),
                ]))
            return
        }
        let certificateURL = URL(fileURLWithPath: certificateFile)
        let keyURL = URL(fileURLWithPath: keyFile)
        if certificateURL.standardizedFileURL == keyURL.standardizedFileURL {
            try Self.replace(certificateURL, with: certificatePEM + keyPEM, mode: 0o600)
        } else if certificateURL.deletingLastPathComponent().standardizedFileURL
            == keyURL.deletingLastPathComponent().standardizedFileURL
        {
            var transaction = FileTransaction()  // both or neither
            transaction.write(keyPEM, to: keyURL.lastPathComponent, mode: 0o600)
            transaction.write(certificatePEM, to: certificateURL.lastPathComponent, mode: 0o644)
            try transaction.commit(in: certificateURL.deletingLastPathComponent())
        } else {
            throw JoinError.kubeletConfigUnusable(
                path: url.path,
                detail:
                    "its client certificate and key are in different directories, which cannot be replaced together; put them in one file"
            )
        }
    }

    /// Replaces one file atomically, keeping its mode (0600 for a new file).
    static func replace(_ url: URL, with text: String, mode: UInt32? = nil) throws {
        var transaction = FileTransaction()
        transaction.write(text, to: url.lastPathComponent, mode: mode ?? FileMode.of(url) ?? 0o600)
        try transaction.commit(in: url.deletingLastPathComponent())
    }
}
