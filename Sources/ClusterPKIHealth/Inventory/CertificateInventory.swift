import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import Foundation
import X509

/// Every certificate of the node read once: the CAs, the leaves of the policy, the client certificate of each
/// kubeconfig file that exists, and `clusterpki serve`'s own certificate when it has one.
struct CertificateInventory: Sendable {
    struct Entry: Sendable {
        var status: CertificateStatus
        var certificate: Certificate?
        /// The policy profile of a CA, a leaf or the serving certificate.
        var profile: CertificateProfile?
        var kubeconfig: KubeconfigProfile?
        /// Why the file could not be read, when it exists but does not parse.
        var problem: String?
    }

    var entries: [Entry] = []
    var statuses: [CertificateStatus] { entries.map(\.status) }

    init(context: TreeContext) {
        let directory = context.directory
        let renewal = context.policy.renewalPolicy
        func entry(
            _ name: String, _ authority: String, _ kind: CertificateStatus.Kind, _ url: URL,
            _ read: () throws -> Certificate?
        )
            -> Entry
        {
            let file = Self.relative(url, to: context.settings.kubernetesDir)
            var status = CertificateStatus(name: name, authority: authority, kind: kind, file: file, state: .missing)
            do {
                guard let certificate = try read() else { return Entry(status: status) }
                status.commonName = certificate.subject.kubernetesIdentity.commonName
                status.serial = certificate.serialHex
                status.notBefore = certificate.notValidBefore
                status.notAfter = certificate.notValidAfter
                status.renewalTime = renewal.renewalTime(for: certificate)
                status.state = Self.state(certificate, renewalTime: status.renewalTime!, now: context.now)
                return Entry(status: status, certificate: certificate)
            } catch {
                return Entry(status: status, problem: "\(error)")
            }
        }
        for profile in context.activeAuthorities {
            var item = entry(profile.name, profile.name, .authority, directory.url(profile.baseName, "crt")) {
                try directory.readCertificates(profile.baseName)?.first
            }
            item.profile = profile
            entries.append(item)
        }
        for profile in context.activeProfiles where !profile.isCertificateAuthority {
            var item = entry(
                profile.name, profile.issuer ?? profile.name, .leaf, directory.url(profile.baseName, "crt")
            ) {
                try directory.readCertificates(profile.baseName)?.first
            }
            item.profile = profile
            entries.append(item)
        }
        for profile in context.policy.kubeconfigs {
            let credential = KubeconfigFileCredential(profile: profile, kubernetesDir: context.settings.kubernetesDir)
            guard FileManager.default.fileExists(atPath: credential.url.path) else { continue }
            var item = entry(profile.file, "ca", .kubeconfig, credential.url) {
                try CertificateAuthorityRotation.clientCertificate(of: credential)
            }
            item.kubeconfig = profile
            entries.append(item)
        }
        if let serving = context.servingCredential as? PKIFileCredential {
            var item = entry(
                serving.name, serving.authorityName, .serving, directory.url(serving.profile.baseName, "crt")
            ) {
                try serving.currentCertificate()
            }
            item.profile = serving.profile
            entries.append(item)
        }
    }

    static func state(_ certificate: Certificate, renewalTime: Date, now: Date) -> CertificateStatus.State {
        if now > certificate.notValidAfter { return .expired }
        if now < certificate.notValidBefore { return .notYetValid }
        return now >= renewalTime ? .due : .valid
    }

    static func relative(_ url: URL, to root: URL) -> String {
        let prefix = root.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// The certificates of `authority`'s bundle file (old and new during a rotation).
    static func bundle(_ authority: CertificateProfile, in directory: PKIDirectory) -> [Certificate] {
        (try? directory.readCertificates(authority.baseName)) ?? []
    }
}
