import ClusterPKIAPI
import ClusterPKICore
import Foundation
import X509

/// Sets `clusterpki_certificate_expiry_timestamp_seconds{name,ca}` for every certificate of the tree, every
/// kubeconfig of the policy, and the server's own certificate; read at each scrape (a few small files).
struct ExpiryCollector: Sendable {
    let tree: TreeContext
    let metrics: ServerMetrics

    func collect() {
        let directory = tree.directory
        for profile in tree.activeProfiles {
            guard let certificate = try? directory.readCertificates(profile.baseName)?.first else { continue }
            metrics.expiry(name: profile.name, ca: profile.issuer ?? profile.name, notAfter: certificate.notValidAfter)
        }
        for kubeconfig in tree.policy.kubeconfigs {
            let url = tree.settings.kubernetesDir.appendingPathComponent(kubeconfig.file)
            guard let text = try? String(contentsOf: url, encoding: .utf8), let certificate = Self.clientCertificate(inKubeconfig: text) else {
                continue
            }
            metrics.expiry(name: kubeconfig.file, ca: "ca", notAfter: certificate.notValidAfter)
        }
        if let certificate = try? directory.readCertificates(ServingCertificate.baseName)?.first {
            metrics.expiry(name: ServingCertificate.baseName, ca: "ca", notAfter: certificate.notValidAfter)
        }
    }

    /// The first `client-certificate-data` of a kubeconfig (embedded certificates, as kubeadm writes them).
    static func clientCertificate(inKubeconfig text: String) -> Certificate? {
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("client-certificate-data:") else { continue }
            let value = trimmed.dropFirst("client-certificate-data:".count).trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            guard let data = Data(base64Encoded: value), let pem = String(data: data, encoding: .utf8) else { return nil }
            return try? PEMCertificates.parse(pem, path: "kubeconfig").first
        }
        return nil
    }
}
