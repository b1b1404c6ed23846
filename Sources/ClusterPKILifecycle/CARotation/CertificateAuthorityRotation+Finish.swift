import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation
import X509

#if canImport(Glibc)
import Glibc
#endif

extension CertificateAuthorityRotation {
    /// `finish`: drops the previous CA from `<base>.crt` (and, for `ca`, from every kubeconfig) and removes
    /// `<base>.next.*`; refuses, listing them, while any leaf is not signed by the new CA. Safe to re-run.
    func finish() async throws -> [String] {
        let directory = context.directory
        let (current, dropped) = try await directory.withExclusiveLock(create: false) {
            () -> (CertificateAuthority, Bool) in
            let bundle = try directory.readCertificates(profile.baseName) ?? []
            guard let key = try directory.readKey(profile.baseName), let first = bundle.first,
                key.publicKey == first.publicKey,
                try directory.readCertificates(nextBase)?.first.map({ $0 == first }) ?? (bundle.count == 1)
            else { throw RotationError.notSwitched(name: profile.name) }
            let current = CertificateAuthority(name: profile.name, certificate: first, key: nil)
            guard bundle.count > 1 else { return (current, false) }  // finished before a crash or a re-run
            let stale = try leavesNotSignedBy(current)
            guard stale.isEmpty else { throw RotationError.finishRefused(name: profile.name, leaves: stale) }
            let phase = try await store.rotationPhase(profile.name)
            if profile.name == "ca", let since = phase.flatMap(Self.switchedSince) {
                let renewedHere =
                    [localKubeletSerial(signedBy: current)].compactMap { $0 }
                    + (phase.map(Self.switchRenewedSerials) ?? [])
                let nodes = try await nodeCredentialsIssuedBefore(since + Self.signerLag, renewedHere: renewedHere)
                guard nodes.isEmpty else { throw RotationError.finishWaitsForNodes(nodes: nodes) }
            }
            var transaction = FileTransaction()
            transaction.write(
                try PEMCertificates.encode([first]), to: directory.path(profile.baseName, "crt"), mode: 0o644)
            try transaction.commit(in: directory.root)
            return (current, true)
        }
        for suffix in ["crt", "key"] { unlink(directory.url(nextBase, suffix).path) }
        var lines = [
            dropped
                ? "[ca] \(directory.path(profile.baseName, "crt")) holds only the new \(profile.name)"
                : "[ca] the previous \(profile.name) was already dropped; completing the phase"
        ]
        if profile.name == "ca" { lines += try updateKubeconfigs([current.certificate]) }
        try await store.recordRotationPhase(
            RotationPhase(
                subject: profile.name, phase: "finished", updatedAt: context.now, actor: actor,
                detail: "ca=\(try DiscoveryHash(of: current.certificate))"))
        lines.append(
            "[ca] phase finish done for \(profile.name); restart the control-plane components so they stop trusting the previous CA"
        )
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
            let certificate =
                credential is KubeconfigFileCredential
                ? try Self.clientCertificate(of: credential as! KubeconfigFileCredential)
                : try credential.currentCertificate()
            guard let certificate, !authority.issued(certificate) else { return nil }
            return credential.name
        }
    }

    /// How long after the swap `clusterpki serve` may still sign with the previous key (it looks at the files once a
    /// second); a node credential issued within it may be the previous CA's, so it does not count as renewed.
    static let signerLag: TimeInterval = 2

    /// Node client certificates (`system:node:*`) in the ledger, live and unrevoked, for nodes with none issued after
    /// `date`: signed by the previous CA, they stop working when finish drops it.
    ///
    /// `renewedHere` are serials the new CA is known to have signed (this node's kubelet.conf certificate, re-issued
    /// from the local CA key at switch): their node is renewed whatever the ledger's dates say.
    func nodeCredentialsIssuedBefore(_ date: Date, renewedHere: [String] = []) async throws -> [RotationError
        .NodeCredential]
    {
        let now = context.now
        let renewed = Set(renewedHere.map { (try? IssuedCredential.normalizeSerial($0)) ?? $0 })
        let live = try await store.credentials().filter {
            !$0.isRevoked && $0.notAfter > now
                && NodeIdentity.nodeName(commonName: $0.commonName, organizations: $0.organizations) != nil
        }
        return Dictionary(grouping: live, by: \.commonName).sorted { $0.key < $1.key }.compactMap { name, credentials in
            guard !credentials.contains(where: { $0.created > date || renewed.contains($0.serial) }) else { return nil }
            return RotationError.NodeCredential(commonName: name, serials: credentials.map(\.serial))
        }
    }

    /// The serial of this node's kubelet.conf client certificate if `authority` signed it.
    func localKubeletSerial(signedBy authority: CertificateAuthority) -> String? {
        guard let certificate = try? context.kubeletCredential?.currentCertificate(), authority.issued(certificate)
        else { return nil }
        return certificate.serialHex
    }

    /// The client certificate of a kubeconfig: embedded, or the file its `client-certificate` names (kubelet.conf
    /// after the kubelet's bootstrap points at `kubelet-client-current.pem`); nil when the file or the reference is
    /// missing.
    public static func clientCertificate(of credential: KubeconfigFileCredential) throws -> Certificate? {
        guard let document = try KubeconfigDocument.load(credential.url) else { return nil }
        if let pem = try document.pem(.clientCertificateData) {
            return try PEMCertificates.parse(pem, path: credential.url.path + " (client-certificate-data)").first
        }
        let model = try KubeConfig(yaml: document.text, path: credential.url.path)
        guard let reference = model.users.first(where: { $0.name == document.userName })?.user.clientCertificate else {
            return nil
        }
        let file =
            reference.hasPrefix("/")
            ? URL(fileURLWithPath: reference)
            : credential.url.deletingLastPathComponent().appendingPathComponent(reference)
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return try PEMCertificates.parse(String(decoding: data, as: UTF8.self), path: file.path).first
    }
}
