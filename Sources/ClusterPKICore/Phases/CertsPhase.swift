import Foundation
import X509

/// Phase `certs`: creates the CAs, leaves and service-account key pair that are missing.
/// Inputs: ``TreeContext``. Outputs: kubeadm's files under the certificate directory, committed at once.
///
/// Existing files are reused only when they are valid for the configuration; anything else is an error
/// and nothing is written, so a bad run never leaves a half-made tree.
public struct CertsPhase: Sendable {
    public let context: TreeContext

    public init(context: TreeContext) { self.context = context }

    enum Step {
        case newCA(CertificateProfile, keyIndex: Int)
        case newLeaf(CertificateProfile, SubjectAltNames, keyIndex: Int)
        case newServiceAccount(keyIndex: Int)
        case serviceAccountPublicKey(PrivateKeyMaterial)
        case message(String)
    }

    /// Generates `names` (`all` or kubeadm names) and returns kubeadm's `[certs]` progress lines.
    @discardableResult
    public func generate(_ names: [String], output: @Sendable (String) -> Void = { _ in }) async throws -> [String] {
        let selection = try resolve(names)
        // Settings errors (advertise address, CIDR, endpoint) must fail before the directory is even created.
        for case .profile(let profile) in selection where !profile.isCertificateAuthority {
            _ = try context.subjectAltNames(for: profile)
        }
        return try await context.directory.withExclusiveLock(create: true) {
            var lines = ["[certs] Using certificateDir folder \"\(context.settings.certificatesDir.path)\""]
            var authorities: [String: CertificateAuthority] = [:]
            var steps: [Step] = []
            var algorithms: [KeyAlgorithm] = []
            func newKey() -> Int { algorithms.append(context.keyAlgorithm); return algorithms.count - 1 }

            for item in selection {
                switch item {
                case .profile(let profile) where profile.isCertificateAuthority:
                    if let existing = try context.directory.loadAuthority(profile) {
                        authorities[profile.name] = existing
                        steps.append(
                            .message(
                                existing.isExternal
                                    ? "[certs] External \(profile.baseName) mode: using the existing \"\(profile.baseName)\" certificate without its key"
                                    : "[certs] Using the existing \"\(profile.baseName)\" certificate and key"))
                        steps += boundsWarnings(existing.certificate, name: profile.baseName)
                    } else {
                        steps.append(.newCA(profile, keyIndex: newKey()))
                    }
                case .profile(let profile):
                    let issuer = profile.issuer!
                    let caProfile = context.policy.authority(named: issuer)!
                    let planned = steps.contains {
                        if case .newCA(let p, _) = $0 { return p.name == issuer }; return false
                    }
                    if !planned && authorities[issuer] == nil {
                        guard let ca = try context.directory.loadAuthority(caProfile) else {
                            throw PKIError.missingCertificateAuthority(
                                name: issuer, path: context.directory.url(caProfile.baseName, "crt").path)
                        }
                        authorities[issuer] = ca
                    }
                    let sans = try context.subjectAltNames(for: profile)
                    steps += sans.warnings.map(Step.message)
                    if let existing = try existingLeaf(profile, sans: sans, ca: planned ? nil : authorities[issuer]) {
                        steps.append(.message("[certs] Using the existing \"\(profile.baseName)\" certificate and key"))
                        steps += boundsWarnings(existing, name: profile.baseName)
                    } else {
                        if !planned, authorities[issuer]?.isExternal == true {
                            throw PKIError.missingCAKey(
                                name: issuer, path: context.directory.url(caProfile.baseName, "key").path)
                        }
                        steps.append(.newLeaf(profile, sans, keyIndex: newKey()))
                    }
                case .serviceAccount:
                    let base = context.policy.serviceAccount.baseName
                    if let key = try context.directory.readKey(base) {
                        steps.append(.message("[certs] Using the existing \"\(base)\" key"))
                        if !context.directory.exists(base, "pub") { steps.append(.serviceAccountPublicKey(key)) }
                    } else {
                        steps.append(.newServiceAccount(keyIndex: newKey()))
                    }
                }
            }

            let keys = try await PrivateKeyMaterial.generateConcurrently(algorithms)
            var transaction = FileTransaction()
            for step in steps {
                switch step {
                case .message(let line):
                    lines.append(line)
                case .newCA(let profile, let index):
                    let key = keys[index]
                    let ca = try CertificateAuthority.selfSigned(
                        name: profile.name, commonName: profile.commonName(nodeName: context.settings.nodeName),
                        key: key,
                        keyUsage: KeyUsage(
                            profile.keyUsages, keyIsRSA: key.isRSA,
                            keyEnciphermentOnlyForRSA: context.policy.keyEnciphermentOnlyForRSA),
                        notBefore: context.notBefore, notAfter: context.caNotAfter(profile))
                    authorities[profile.name] = ca
                    try stage(ca.certificate, key: key, base: profile.baseName, into: &transaction)
                    lines.append("[certs] Generating \"\(profile.baseName)\" certificate and key")
                case .newLeaf(let profile, let sans, let index):
                    let ca = authorities[profile.issuer!]!
                    let request = context.request(for: profile, key: keys[index], sans: sans)
                    let certificate = try ca.sign(request, publicKey: keys[index].publicKey)
                    try stage(certificate, key: keys[index], base: profile.baseName, into: &transaction)
                    lines.append("[certs] Generating \"\(profile.baseName)\" certificate and key")
                    if certificate.notValidAfter < request.notAfter {
                        lines.append(
                            "[certs] WARNING: \(profile.baseName) would outlive its CA \(ca.name); its NotAfter is capped at the CA's \(Self.timestamp(certificate.notValidAfter))"
                        )
                    }
                    if (profile.extKeyUsages ?? []).contains(.serverAuth) {
                        lines.append(
                            "[certs] \(profile.baseName) serving cert is signed for DNS names [\(sans.dnsNames.joined(separator: " "))] and IPs [\(sans.ipAddresses.map(\.description).joined(separator: " "))]"
                        )
                    }
                case .newServiceAccount(let index):
                    let base = context.policy.serviceAccount.baseName
                    transaction.write(try keys[index].pemString(), to: context.directory.path(base, "key"), mode: 0o600)
                    transaction.write(
                        try keys[index].publicKeyPEMString(), to: context.directory.path(base, "pub"), mode: 0o600)
                    lines.append("[certs] Generating \"\(base)\" key and public key")
                case .serviceAccountPublicKey(let key):
                    transaction.write(
                        try key.publicKeyPEMString(),
                        to: context.directory.path(context.policy.serviceAccount.baseName, "pub"), mode: 0o600)
                }
            }
            try transaction.commit(in: context.directory.root)
            lines.forEach(output)
            return lines
        }
    }

    enum Item {
        case profile(CertificateProfile)
        case serviceAccount
    }

    func resolve(_ names: [String]) throws -> [Item] {
        let active = context.activeProfiles
        let all: [Item] = active.map(Item.profile) + [.serviceAccount]
        if names.isEmpty || names.contains("all") { return all }
        let known = context.policy.generatableNames
        for name in names where !known.contains(name) {
            throw PKIError.unknownCertificateName(name, known: ["all"] + known)
        }
        for name in names
        where !active.contains(where: { $0.name == name }) && name != context.policy.serviceAccount.name {
            let onlyForEtcdStore =
                context.settings.usesLocalEtcd
                && context.policy.orderedProfiles.contains { $0.name == name && $0.requiresEtcdStore }
            throw PKIError.existingCertificateInvalid(
                name: name,
                reason: onlyForEtcdStore
                    ? "it is only used when the state store is etcd; add --store etcd://HOST:PORT"
                    : "it is not used with external etcd (etcd.external is set)")
        }
        return all.filter {
            switch $0 {
            case .profile(let profile): return names.contains(profile.name)
            case .serviceAccount: return names.contains(context.policy.serviceAccount.name)
            }
        }
    }

    /// The existing leaf if it is complete, matches its key, chains to `ca` and covers every SAN.
    func existingLeaf(_ profile: CertificateProfile, sans: SubjectAltNames, ca: CertificateAuthority?) throws
        -> Certificate?
    {
        let directory = context.directory
        let crt = directory.path(profile.baseName, "crt"), keyPath = directory.path(profile.baseName, "key")
        let key = try directory.readKey(profile.baseName)
        guard let certificate = try directory.readCertificates(profile.baseName)?.first else {
            if key != nil { throw PKIError.incompletePair(name: profile.name, present: keyPath, missing: crt) }
            return nil
        }
        guard let key else { throw PKIError.incompletePair(name: profile.name, present: crt, missing: keyPath) }
        guard key.publicKey == certificate.publicKey else {
            throw PKIError.keyDoesNotMatchCertificate(path: directory.url(profile.baseName, "key").path)
        }
        guard let ca, ca.issued(certificate) else {
            throw PKIError.existingCertificateInvalid(
                name: profile.name, reason: "it is not signed by the current \(profile.issuer!) certificate authority")
        }
        let present = (try? CertificateNames(of: certificate)) ?? CertificateNames()
        if let missing = present.firstMissing(of: sans) {
            throw PKIError.existingCertificateInvalid(name: profile.name, reason: "it is not valid for \(missing)")
        }
        return certificate
    }

    func stage(
        _ certificate: Certificate, key: PrivateKeyMaterial, base: String, into transaction: inout FileTransaction
    ) throws {
        transaction.write(
            try PEMCertificates.encode([certificate]), to: context.directory.path(base, "crt"), mode: 0o644)
        transaction.write(try key.pemString(), to: context.directory.path(base, "key"), mode: 0o600)
    }

    func boundsWarnings(_ certificate: Certificate, name: String) -> [Step] {
        if certificate.notValidAfter < context.now {
            return [
                .message(
                    "[certs] WARNING: could not validate bounds for certificate \(name): the certificate has expired: NotAfter: \(Self.timestamp(certificate.notValidAfter))"
                )
            ]
        }
        if certificate.notValidBefore > context.now {
            return [
                .message(
                    "[certs] WARNING: could not validate bounds for certificate \(name): the certificate is not yet valid: NotBefore: \(Self.timestamp(certificate.notValidBefore))"
                )
            ]
        }
        return []
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
