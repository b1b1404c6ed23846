import ClusterPKICore
import ClusterPKIStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension CertificateAuthorityRotation {
    /// `finish`: drops the previous CA from `<base>.crt` (and, for `ca`, from every kubeconfig) and removes
    /// `<base>.next.*`; refuses, listing them, while any leaf is not signed by the new CA. Safe to re-run.
    func finish() async throws -> [String] {
        let directory = context.directory
        let (current, dropped) = try await directory.withExclusiveLock(create: false) { () -> (CertificateAuthority, Bool) in
            let bundle = try directory.readCertificates(profile.baseName) ?? []
            guard let key = try directory.readKey(profile.baseName), let first = bundle.first, key.publicKey == first.publicKey,
                  try directory.readCertificates(nextBase)?.first.map({ $0 == first }) ?? (bundle.count == 1)
            else { throw RotationError.notSwitched(name: profile.name) }
            let current = CertificateAuthority(name: profile.name, certificate: first, key: nil)
            guard bundle.count > 1 else { return (current, false) }  // finished before a crash or a re-run
            let stale = try leavesNotSignedBy(current)
            guard stale.isEmpty else { throw RotationError.finishRefused(name: profile.name, leaves: stale) }
            var transaction = FileTransaction()
            transaction.write(try PEMCertificates.encode([first]), to: directory.path(profile.baseName, "crt"), mode: 0o644)
            try transaction.commit(in: directory.root)
            return (current, true)
        }
        for suffix in ["crt", "key"] { unlink(directory.url(nextBase, suffix).path) }
        var lines = [dropped ? "[ca] \(directory.path(profile.baseName, "crt")) holds only the new \(profile.name)"
                             : "[ca] the previous \(profile.name) was already dropped; completing the phase"]
        if profile.name == "ca" { lines += try updateKubeconfigs([current.certificate]) }
        try await store.recordRotationPhase(RotationPhase(
            subject: profile.name, phase: "finished", updatedAt: context.now, actor: actor, detail: "ca=\(try DiscoveryHash(of: current.certificate))"))
        lines.append("[ca] phase finish done for \(profile.name); restart the control-plane components so they stop trusting the previous CA")
        lines.append(Self.uploadHint)
        return lines
    }

    /// The names of the certificates this CA should sign that `authority` did not (kubelet.conf's embedded one too).
    func leavesNotSignedBy(_ authority: CertificateAuthority) throws -> [String] {
        var credentials = context.fileCredentials
        if profile.name == "ca" {
            credentials += context.kubeconfigCredentials + [context.servingCredential].compactMap { $0 }
            credentials += context.policy.kubeconfigs.filter { $0.renewable != true }
                .map { KubeconfigFileCredential(profile: $0, kubernetesDir: context.settings.kubernetesDir) }
        }
        return try credentials.filter { $0.authorityName == profile.name }.compactMap { credential in
            let certificate = credential is KubeconfigFileCredential ? (try? credential.currentCertificate()) ?? nil : try credential.currentCertificate()
            guard let certificate, !authority.issued(certificate) else { return nil }
            return credential.name
        }
    }
}
