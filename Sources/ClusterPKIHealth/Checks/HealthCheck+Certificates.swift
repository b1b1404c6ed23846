import ClusterPKICore
import ClusterPKILifecycle
import Foundation
import X509

extension HealthCheck {
    /// Every CA is a CA and matches its key; every leaf and the serving certificate chain to their CA's bundle, match
    /// their key and cover the SANs the settings give them; `sa.key` is the first key of `sa.pub`.
    func certificateFindings(_ inventory: CertificateInventory) -> [HealthFinding] {
        var findings: [HealthFinding] = []
        var checked = 0
        let directory = context.directory
        for entry in inventory.entries where entry.status.kind != .kubeconfig {
            guard let profile = entry.profile else { continue }
            let problems =
                entry.status.kind == .authority ? authorityProblems(entry, profile) : leafProblems(entry, profile)
            findings += problems
            if problems.isEmpty { checked += 1 }
        }
        findings += serviceAccountProblems(directory)
        if findings.allSatisfy({ $0.severity <= .info }) {
            findings.append(
                HealthFinding(
                    .certificates, .ok, "",
                    "\(checked) certificates chain to their CA, match their keys and cover their configured SANs"))
        }
        return findings
    }

    func authorityProblems(_ entry: CertificateInventory.Entry, _ profile: CertificateProfile) -> [HealthFinding] {
        let directory = context.directory
        let crt = display(directory.url(profile.baseName, "crt")),
            keyFile = display(directory.url(profile.baseName, "key"))
        let restore = "restore \(crt) and \(keyFile) from a backup, or copy them from another control-plane node"
        guard let certificate = entry.certificate else {
            let why = entry.problem.map { "cannot be read: \($0)" } ?? "is missing"
            return [
                HealthFinding(.certificates, .critical, profile.name, "the CA certificate \(crt) \(why)", fix: restore)
            ]
        }
        guard case .isCertificateAuthority? = try? certificate.extensions.basicConstraints else {
            return [
                HealthFinding(
                    .certificates, .critical, profile.name, "\(crt) is not a CA certificate (basicConstraints CA:TRUE)",
                    fix: restore)
            ]
        }
        let key: PrivateKeyMaterial?
        do { key = try directory.readKey(profile.baseName) } catch {
            return [
                HealthFinding(
                    .certificates, .critical, profile.name, "the CA key \(keyFile) cannot be read: \(error)",
                    fix: restore)
            ]
        }
        guard let key else {
            return [
                HealthFinding(
                    .certificates, .info, profile.name,
                    "external CA: \(keyFile) is absent, so clusterpki cannot renew the certificates \(profile.name) signs",
                    fix: "renew them with the external CA before they expire")
            ]
        }
        guard key.publicKey == certificate.publicKey else {
            return [
                HealthFinding(
                    .certificates, .critical, profile.name,
                    "\(keyFile) is not the key of the first certificate of \(crt)", fix: restore)
            ]
        }
        return []
    }

    func leafProblems(_ entry: CertificateInventory.Entry, _ profile: CertificateProfile) -> [HealthFinding] {
        let directory = context.directory
        let name = profile.name, base = profile.baseName
        let crt = display(directory.url(base, "crt")), keyFile = display(directory.url(base, "key"))
        let isServing = entry.status.kind == .serving
        let renew =
            isServing
            ? commands.command("rotate", .treeAndState) : commands.command("certs renew \(name)", .treeAndState)
        let regenerate = commands.command("certs generate \(name)", .tree)
        guard let certificate = entry.certificate else {
            if let problem = entry.problem {
                return [
                    HealthFinding(
                        .certificates, .error, name, "\(crt) cannot be read: \(problem)",
                        fix: "move \(crt) and \(keyFile) aside, then \(regenerate)")
                ]
            }
            let fix = directory.exists(base, "key") ? "move \(keyFile) aside, then \(regenerate)" : regenerate
            return [HealthFinding(.certificates, .error, name, "\(crt) is missing", fix: fix)]
        }
        var findings: [HealthFinding] = []
        switch Result(catching: { try directory.readKey(base) }) {
        case .success(nil):
            findings.append(HealthFinding(.certificates, .error, name, "\(keyFile) is missing", fix: renew))
        case .success(let key?) where key.publicKey != certificate.publicKey:
            findings.append(
                HealthFinding(.certificates, .critical, name, "\(keyFile) does not match \(crt)", fix: renew))
        case .failure(let error):
            findings.append(
                HealthFinding(.certificates, .error, name, "\(keyFile) cannot be read: \(error)", fix: renew))
        default:
            break
        }
        let issuer = profile.issuer ?? "ca"
        if let authority = context.policy.authority(named: issuer) {
            let bundle = CertificateInventory.bundle(authority, in: directory)
            if !bundle.isEmpty
                && !bundle.contains(where: {
                    CertificateAuthority(name: issuer, certificate: $0, key: nil).issued(certificate)
                })
            {
                findings.append(
                    HealthFinding(
                        .certificates, .critical, name,
                        "\(crt) is not signed by \(issuer) (\(display(directory.url(authority.baseName, "crt"))))",
                        fix: renew))
            }
        }
        if !isServing, let sans = try? context.subjectAltNames(for: profile) {
            let uncovered = ((try? CertificateNames(of: certificate)) ?? CertificateNames()).missing(of: sans)
            if !uncovered.isEmpty {
                findings.append(
                    HealthFinding(
                        .certificates, .error, name,
                        "\(crt) does not cover \(uncovered.joined(separator: ", ")) (SANs from \(settingsSource))",
                        fix: "move \(crt) and \(keyFile) aside, then \(regenerate)"))
            }
        }
        return findings
    }

    /// `sa.key` must be the first key of `sa.pub` (the API server verifies with every key of it, signs with `sa.key`).
    func serviceAccountProblems(_ directory: PKIDirectory) -> [HealthFinding] {
        let base = context.policy.serviceAccount.baseName
        let keyFile = display(directory.url(base, "key")), pub = display(directory.url(base, "pub"))
        do {
            guard let key = try directory.readKey(base) else {
                return [
                    HealthFinding(
                        .certificates, .error, "sa", "\(keyFile) is missing",
                        fix: commands.command("certs generate sa", .tree))
                ]
            }
            guard let text = try? String(contentsOf: directory.url(base, "pub"), encoding: .utf8) else {
                return [
                    HealthFinding(
                        .certificates, .error, "sa", "\(pub) is missing",
                        fix: commands.command("certs generate sa", .tree))
                ]
            }
            guard try PublicKeyBundle.parse(text, path: pub).first == key.publicKey else {
                return [
                    HealthFinding(
                        .certificates, .critical, "sa", "\(keyFile) is not the first key of \(pub)",
                        fix:
                            "restore \(keyFile) and \(pub) together from a backup, or copy both from another control-plane node"
                    )
                ]
            }
        } catch {
            return [
                HealthFinding(
                    .certificates, .error, "sa", "\(keyFile) or \(pub) cannot be read: \(error)",
                    fix: "restore \(keyFile) and \(pub) together from a backup")
            ]
        }
        return []
    }
}
