import ClusterPKICore
import ClusterPKIStore
import Foundation
import X509

extension HealthCheck {
    /// The state database and its key belong together (the store opened with it).
    func stateFindings() -> [HealthFinding] {
        switch state {
        case .opened(_, let database, let key):
            return [HealthFinding(.state, .ok, database, "opened with its key \(display(URL(fileURLWithPath: key)))")]
        case .absent(let database):
            return [
                HealthFinding(
                    .state, .info, database, "no state database yet: no tokens, ledger or rotation phases to check",
                    fix: "the first state command creates it, e.g. \(commands.command("token create", .token))")
            ]
        case .keyMissing(let database, let key):
            return [
                HealthFinding(
                    .state, .critical, database, "its key \(key) is missing: the stored token secrets cannot be used",
                    fix:
                        "restore \(key) from a backup, or pass the --kubernetes-dir whose pki/ holds the key of this database"
                )
            ]
        case .unusable(let database, let key, let error):
            switch error {
            case .storeKeyMismatch:
                return [
                    HealthFinding(
                        .state, .critical, database, "the key \(key) does not belong to this database",
                        fix:
                            "restore the key file that belongs to \(database) (from a backup), or pass the --db that belongs to \(key)"
                    )
                ]
            case .insecureStoreKeyFile(let path, let mode):
                return [
                    HealthFinding(
                        .state, .error, database, "the key \(path) has mode \(mode), readable by others",
                        fix: "chmod 600 \(FixCommands.quoted(path))")
                ]
            default:
                return [HealthFinding(.state, .critical, database, "cannot be opened: \(error.message)")]
            }
        }
    }

    /// What a store backend that can tell (etcd, through ``StoreHealthReporting``) says about itself.
    func storeFindings() async -> [HealthFinding] {
        guard let reporting = store as? any StoreHealthReporting else { return [] }
        return storeFindings(await reporting.storeHealth(now: now))
    }

    /// Each endpoint reachable and healthy; the client certificate valid, outside the renewal window and signed by
    /// the CA the backend trusts.
    func storeFindings(_ health: StoreHealth) -> [HealthFinding] {
        var findings: [HealthFinding] = []
        let down = health.endpoints.filter { !$0.healthy }
        for endpoint in down {
            findings.append(
                HealthFinding(
                    .store, down.count == health.endpoints.count ? .critical : .error,
                    "\(health.backend) \(endpoint.name)", endpoint.detail,
                    fix: "check that \(endpoint.name) runs and is reachable from this node"))
        }
        if let url = health.clientCertificate {
            let subject = "\(health.backend) client certificate"
            let certificate = (try? String(contentsOf: url, encoding: .utf8)).flatMap {
                try? PEMCertificates.parse($0, path: url.path).first
            }
            if let certificate {
                let authorities =
                    health.certificateAuthority
                    .flatMap { try? String(contentsOf: $0, encoding: .utf8) }.flatMap {
                        try? PEMCertificates.parse($0, path: "")
                    } ?? []
                if now > certificate.notValidAfter {
                    findings.append(
                        HealthFinding(
                            .store, .critical, subject,
                            "\(url.path) expired on \(Self.format(certificate.notValidAfter))",
                            fix: "issue a new client certificate from the \(health.backend) CA"))
                } else if context.policy.renewalPolicy.isDue(certificate, now: now) {
                    findings.append(
                        HealthFinding(
                            .store, .warning, subject,
                            "\(url.path) expires on \(Self.format(certificate.notValidAfter))",
                            fix: "issue a new client certificate from the \(health.backend) CA"))
                }
                if !authorities.isEmpty
                    && !authorities.contains(where: {
                        CertificateAuthority(name: "", certificate: $0, key: nil).issued(certificate)
                    })
                {
                    findings.append(
                        HealthFinding(
                            .store, .critical, subject,
                            "\(url.path) is not signed by \(health.certificateAuthority!.path)",
                            fix: "issue a new client certificate from the \(health.backend) CA"))
                }
            } else {
                findings.append(
                    HealthFinding(
                        .store, .error, subject, "\(url.path) cannot be read",
                        fix: "check the store's --store configuration"))
            }
        }
        if findings.isEmpty {
            findings.append(HealthFinding(.store, .ok, health.backend, "\(health.endpoints.count) endpoints healthy"))
        }
        return findings
    }
}
