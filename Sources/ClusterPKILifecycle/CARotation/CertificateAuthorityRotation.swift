import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation
import X509

/// `clusterpki ca rotate <ca> --phase prepare|switch|finish`: a CA rotation in three resumable phases.
///
/// `prepare` creates the next CA as `<base>.next.{crt,key}` and makes `<base>.crt` the trust bundle old + new (the old
/// certificate first, so the old key keeps signing); for `ca`, every kubeconfig's CA data becomes the bundle too.
/// The pki files commit in one ``FileTransaction``; a re-run finds the next CA and only completes the rest.
public struct CertificateAuthorityRotation: Sendable {
    public enum Phase: String, Sendable, CaseIterable { case prepare, `switch`, finish }
    public static let rotatable = ["ca", "front-proxy-ca", "etcd-ca"]

    public var context: TreeContext
    public var profile: CertificateProfile
    public var store: any RotationPhaseStore & CredentialLedger
    public var actor: String
    /// Where the count of re-issued certificates goes during `switch` (a terminal's progress counter).
    public var progress: WorkProgress.Sink = WorkProgress.ignore

    public init(
        context: TreeContext, authority name: String, store: any RotationPhaseStore & CredentialLedger, actor: String
    ) throws {
        guard Self.rotatable.contains(name), let profile = context.activeAuthorities.first(where: { $0.name == name })
        else {
            throw RotationError.unknownAuthority(
                name, known: Self.rotatable.filter { n in context.activeAuthorities.contains { $0.name == n } })
        }
        self.context = context
        self.profile = profile
        self.store = store
        self.actor = actor
        // Unless told otherwise, the next CA and the leaves it re-issues keep the current CA's key type: a policy's
        // default (RSA-2048) must not silently turn an ECDSA cluster into an RSA one halfway through a rotation.
        if context.settings.encryptionAlgorithm == nil, let current = try? context.directory.readKey(profile.baseName) {
            self.context.settings.encryptionAlgorithm = current.algorithm
        }
    }

    var nextBase: String { profile.baseName + ".next" }

    /// Runs `phase`; returns the lines to print.
    public func run(_ phase: Phase) async throws -> [String] {
        switch phase {
        case .prepare: return try await prepare()
        case .switch: return try await switchToNext()
        case .finish: return try await finish()
        }
    }

    func prepare() async throws -> [String] {
        let directory = context.directory
        let (bundle, next, wrote) = try await directory.withExclusiveLock(create: false) {
            () -> ([Certificate], Certificate, Bool) in
            guard let current = try directory.loadAuthority(profile), current.key != nil else {
                throw RotationError.missingAuthorityKey(
                    name: profile.name, path: directory.url(profile.baseName, "key").path)
            }
            let certificates = try directory.readCertificates(profile.baseName) ?? [current.certificate]
            if let existing = try directory.readCertificates(nextBase)?.first,
                let nextKey = try directory.readKey(nextBase), nextKey.publicKey == existing.publicKey
            {
                // Prepared before (perhaps before a crash): the bundle already holds the next CA.
                guard certificates.contains(existing) else {
                    throw RotationError.bundleWithoutNextAuthority(path: directory.url(profile.baseName, "crt").path)
                }
                return (certificates, existing, false)
            }
            guard certificates.count == 1 else {
                throw RotationError.bundleWithoutNextAuthority(path: directory.url(profile.baseName, "crt").path)
            }
            let newKey = try PrivateKeyMaterial.generate(context.keyAlgorithm)
            let next = try CertificateAuthority.selfSigned(
                name: profile.name, commonName: profile.commonName(nodeName: context.settings.nodeName), key: newKey,
                keyUsage: KeyUsage(
                    profile.keyUsages, keyIsRSA: newKey.isRSA,
                    keyEnciphermentOnlyForRSA: context.policy.keyEnciphermentOnlyForRSA),
                notBefore: context.notBefore, notAfter: context.caNotAfter(profile))
            let bundle = [current.certificate, next.certificate]
            var transaction = FileTransaction()
            transaction.write(
                try PEMCertificates.encode([next.certificate]), to: directory.path(nextBase, "crt"), mode: 0o644)
            transaction.write(try newKey.pemString(), to: directory.path(nextBase, "key"), mode: 0o600)
            transaction.write(
                try PEMCertificates.encode(bundle), to: directory.path(profile.baseName, "crt"), mode: 0o644)
            try transaction.commit(in: directory.root)
            return (bundle, next.certificate, true)
        }
        var lines = [
            wrote
                ? "[ca] created the next \(profile.name) (\(directory.path(nextBase, "crt"))); \(directory.path(profile.baseName, "crt")) holds the current and the next CA"
                : "[ca] the next \(profile.name) exists already; completing the phase"
        ]
        if profile.name == "ca" { lines += try updateKubeconfigs(bundle) }
        let hash = try DiscoveryHash(of: next).description
        try await store.recordRotationPhase(
            RotationPhase(
                subject: profile.name, phase: "prepared", updatedAt: context.now, actor: actor, detail: "next=\(hash)"))
        lines.append("[ca] phase prepare done for \(profile.name)")
        lines.append(Self.uploadHint)
        if profile.name == "ca" {
            lines.append(
                "Joining nodes may pin either CA during the rotation: --discovery-token-ca-cert-hash \(try DiscoveryHash(of: bundle[0])) or \(hash)"
            )
        }
        return lines
    }

    /// An upload is sealed with a key clusterpki never stores, so it cannot be refreshed for the operator.
    static let uploadHint =
        "[ca] before a control-plane node joins, run `clusterpki upload-certs` again: the upload carries the CA files as they were when it was made"

    /// Sets the CA data of every existing kubeconfig file of the policy to `bundle` (each file atomically).
    func updateKubeconfigs(_ bundle: [Certificate]) throws -> [String] {
        let data = Data(try PEMCertificates.encode(bundle).utf8).base64EncodedString()
        var lines: [String] = []
        let kubernetesDir = context.settings.kubernetesDir
        for profile in context.policy.kubeconfigs {
            let url = kubernetesDir.appendingPathComponent(profile.file)
            guard let document = try KubeconfigDocument.load(url), document.value(.certificateAuthorityData) != data
            else { continue }
            var transaction = FileTransaction()
            transaction.write(
                try document.replacing([.certificateAuthorityData: data]), to: profile.file,
                mode: FileMode.of(url) ?? 0o600)
            try transaction.commit(in: kubernetesDir)
            lines.append(
                "[ca] \(profile.file): certificate-authority-data is now \(bundle.count == 1 ? "the new CA only" : "the current and the next CA")"
            )
        }
        return lines
    }

    /// Each rotatable CA of `context`: the recorded phase and how many certificates its bundle holds.
    public static func status(context: TreeContext, store: (any RotationPhaseStore)?) async throws -> [(
        name: String, phase: RotationPhase?, bundle: Int
    )] {
        var result: [(String, RotationPhase?, Int)] = []
        for profile in context.activeAuthorities where rotatable.contains(profile.name) {
            let count = try context.directory.readCertificates(profile.baseName)?.count ?? 0
            result.append((profile.name, try await store?.rotationPhase(profile.name), count))
        }
        return result
    }
}
