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
        let pair = KubeconfigClientPair(url: url, certificateFile: certificateFile, keyFile: keyFile)
        do {
            try pair.write(certificatePEM: certificatePEM, keyPEM: try key.pemString())
        } catch KubeconfigError.cannotEditInPlace(_, _, let reason) {
            throw JoinError.kubeletConfigUnusable(path: url.path, detail: reason)
        }
    }

    /// Replaces one file atomically, keeping its mode (0600 for a new file).
    static func replace(_ url: URL, with text: String, mode: UInt32? = nil) throws {
        try KubeconfigClientPair.replace(url, with: text, mode: mode)
    }
}
