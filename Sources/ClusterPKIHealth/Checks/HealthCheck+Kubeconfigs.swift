import ClusterPKICore
import ClusterPKIKubeconfig
import Foundation
import X509

extension HealthCheck {
    /// Each kubeconfig file of the policy trusts exactly the CA bundle `pki/ca.crt`, points at the server the settings
    /// give it (and one the API server's certificate covers), and holds a client certificate of the CA with the
    /// policy's identity and its own key.
    func kubeconfigFindings(_ inventory: CertificateInventory) -> [HealthFinding] {
        let directory = context.directory
        guard let caProfile = context.policy.authority(named: "ca") else { return [] }
        let bundle = CertificateInventory.bundle(caProfile, in: directory)
        let apiserver = inventory.entries.first { $0.status.name == "apiserver" }?.certificate
        var findings: [HealthFinding] = []
        var healthy = 0
        for profile in context.policy.kubeconfigs {
            let problems = kubeconfigProblems(profile, bundle: bundle, apiserver: apiserver, inventory: inventory)
            findings += problems
            if problems.isEmpty { healthy += 1 }
        }
        if findings.allSatisfy({ $0.severity <= .info }) {
            findings.append(
                HealthFinding(
                    .kubeconfigs, .ok, "",
                    "\(healthy) kubeconfig files trust \(display(directory.url(caProfile.baseName, "crt"))), point at the cluster's endpoint and hold a client certificate of ca"
                ))
        }
        return findings
    }

    func kubeconfigProblems(
        _ profile: KubeconfigProfile, bundle: [Certificate], apiserver: Certificate?, inventory: CertificateInventory
    ) -> [HealthFinding] {
        let file = profile.file
        let url = context.settings.kubernetesDir.appendingPathComponent(file)
        let phaseName = file.hasSuffix(".conf") ? String(file.dropLast(5)) : file
        let isKubelet = profile.renewable != true
        let renew =
            isKubelet
            ? commands.command("kubelet renew", .kubelet) : commands.command("certs renew \(file)", .treeAndState)
        let regenerate =
            "move \(file) aside, then \(commands.command("kubeconfig generate \(phaseName)", .treeAndState))"
        let document: KubeconfigDocument
        do {
            guard let loaded = try KubeconfigDocument.load(url) else {
                if profile.initOnly == true {
                    return [
                        HealthFinding(
                            .kubeconfigs, .info, file,
                            "is absent (init writes it; a joined control-plane node has none)")
                    ]
                }
                return [
                    HealthFinding(
                        .kubeconfigs, .warning, file, "is missing",
                        fix: commands.command("kubeconfig generate \(phaseName)", .treeAndState))
                ]
            }
            document = loaded
        } catch {
            return [HealthFinding(.kubeconfigs, .error, file, "cannot be read: \(error)", fix: regenerate)]
        }
        var findings: [HealthFinding] = []
        // Trust: the same certificates as ca.crt (old and new during a rotation), no more, no fewer.
        let trusted = trustedAuthorities(document)
        if !bundle.isEmpty && Set(trusted) != Set(bundle) {
            let missing = bundle.filter { !trusted.contains($0) }.count
            findings.append(
                HealthFinding(
                    .kubeconfigs, .error, file,
                    "its certificate-authority-data is not \(display(context.directory.url("ca", "crt"))) (\(trusted.count) certificates, \(missing) of ca.crt missing)",
                    fix: renew))
        }
        if let server = document.server,
            let expected = try? KubeconfigSpec(profile: profile, settings: context.settings).server, server != expected
        {
            findings.append(
                HealthFinding(
                    .kubeconfigs, .warning, file,
                    "its server is \(server), the cluster's endpoint is \(expected) (settings from \(settingsSource))",
                    fix: regenerate))
        }
        if let server = document.server, let apiserver, let host = URLComponents(string: server)?.host {
            let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let sans =
                IPAddress(name).map { SubjectAltNames(dnsNames: [], ipAddresses: [$0]) }
                ?? SubjectAltNames(dnsNames: [name], ipAddresses: [])
            if ((try? CertificateNames(of: apiserver)) ?? CertificateNames()).firstMissing(of: sans) != nil {
                findings.append(
                    HealthFinding(
                        .kubeconfigs, .error, file,
                        "its server \(server) is not a name of the API server certificate, so TLS to it fails",
                        fix:
                            "add \(name) to the API server's SANs (apiServer.certSANs in --config), then re-create pki/apiserver.crt"
                    ))
            }
        }
        guard document.token == nil else { return findings }
        let entry = inventory.entries.first { $0.kubeconfig == profile }
        guard let certificate = entry?.certificate else {
            findings.append(
                HealthFinding(
                    .kubeconfigs, .error, file, "has no client certificate" + (entry?.problem.map { ": \($0)" } ?? ""),
                    fix: renew))
            return findings
        }
        if !bundle.isEmpty
            && !bundle.contains(where: {
                CertificateAuthority(name: "ca", certificate: $0, key: nil).issued(certificate)
            })
        {
            findings.append(
                HealthFinding(
                    .kubeconfigs, .critical, file,
                    "its client certificate is not signed by ca, so the API server refuses it", fix: renew))
        }
        if let spec = try? KubeconfigSpec(profile: profile, settings: context.settings) {
            let identity = certificate.subject.kubernetesIdentity
            if identity.commonName != spec.commonName || Set(identity.organizations) != Set(spec.organizations) {
                findings.append(
                    HealthFinding(
                        .kubeconfigs, .warning, file,
                        "its client certificate is \(identity.commonName) (\(identity.organizations.joined(separator: ","))), the policy says \(spec.commonName) (\(spec.organizations.joined(separator: ",")))",
                        fix: regenerate))
            }
        }
        if let keyPEM = try? document.pem(.clientKeyData) {
            let key = try? PrivateKeyMaterial(pemEncoded: keyPEM, path: url.path)
            if key?.publicKey != certificate.publicKey {
                findings.append(
                    HealthFinding(
                        .kubeconfigs, .critical, file, "its client-key-data does not match its client certificate",
                        fix: renew))
            }
        }
        return findings
    }

    /// The CA certificates a kubeconfig trusts: embedded, or the file it names.
    func trustedAuthorities(_ document: KubeconfigDocument) -> [Certificate] {
        var pem = try? document.pem(.certificateAuthorityData)
        if pem == nil, let file = document.certificateAuthorityFile {
            let url =
                file.hasPrefix("/")
                ? URL(fileURLWithPath: file)
                : URL(fileURLWithPath: document.path).deletingLastPathComponent().appendingPathComponent(file)
            pem = try? String(contentsOf: url, encoding: .utf8)
        }
        return pem.flatMap { try? PEMCertificates.parse($0, path: document.path) } ?? []
    }
}
