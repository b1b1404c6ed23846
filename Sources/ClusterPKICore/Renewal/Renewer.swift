import Foundation
import X509

/// Phase `certs renew`: re-issues certificates with new keys, keeping subject, SANs and usages (spec 7.1).
/// Inputs: ``TreeContext``, the credentials to consider. Outputs: renewed files and a ``RenewalReport``.
public struct Renewer: Sendable {
    public let context: TreeContext
    public let credentials: [any RenewableCredential]
    /// Refuses to renew a certificate (e.g. one revoked in the ledger); returns a reason or nil.
    public let refusal: @Sendable (Certificate) async throws -> String?
    /// Sees each renewed certificate before it is written (e.g. to record it in the ledger).
    public let issued: @Sendable (any RenewableCredential, Certificate) async throws -> Void
    /// Sees a certificate that ``issued`` saw but whose files could not be written (e.g. no space left on device),
    /// so what recorded it can mark it as never written; its own failure is added to the report's line.
    public let abandoned: @Sendable (any RenewableCredential, Certificate) async throws -> Void

    public init(
        context: TreeContext, credentials: [any RenewableCredential],
        refusal: @escaping @Sendable (Certificate) async throws -> String? = { _ in nil },
        issued: @escaping @Sendable (any RenewableCredential, Certificate) async throws -> Void = { _, _ in },
        abandoned: @escaping @Sendable (any RenewableCredential, Certificate) async throws -> Void = { _, _ in }
    ) {
        self.context = context
        self.credentials = credentials.sorted { $0.name < $1.name }
        self.refusal = refusal
        self.issued = issued
        self.abandoned = abandoned
    }

    /// Renews `names` (or `all`); with `expiringWithin`, only certificates whose NotAfter falls inside the window.
    public func renew(
        _ names: [String], expiringWithin: GoDuration? = nil,
        output: @Sendable (String) -> Void = { _ in }
    ) async throws -> RenewalReport {
        try await renew(names, options: RenewalOptions(expiringWithin: expiringWithin), output: output)
    }

    /// Renews `names` (or `all`) as `options` select: by window or due date, for real or as a dry run.
    public func renew(
        _ names: [String], options: RenewalOptions,
        output: @Sendable (String) -> Void = { _ in }
    ) async throws -> RenewalReport {
        let known = credentials.map(\.name)
        let all = names.isEmpty || names.contains("all")
        if !all, let unknown = names.first(where: { !known.contains($0) }) {
            throw PKIError.unknownCertificateName(unknown, known: ["all"] + known)
        }
        let selected = credentials.filter { all || names.contains($0.name) }
        return try await context.directory.withExclusiveLock(create: false) {
            var report = RenewalReport()
            var due: [(any RenewableCredential, Certificate, CertificateAuthority)] = []
            var authorities: [String: CertificateAuthority] = [:]
            for credential in selected {
                do {
                    guard let certificate = try credential.currentCertificate() else {
                        report.record(.missing, credential.name, "MISSING! \(credential.longName)")
                        continue
                    }
                    if authorities[credential.authorityName] == nil,
                        let profile = context.policy.authority(named: credential.authorityName)
                    {
                        authorities[credential.authorityName] = try context.directory.loadAuthority(profile)
                    }
                    guard let authority = authorities[credential.authorityName] else {
                        throw PKIError.missingCertificateAuthority(
                            name: credential.authorityName, path: context.directory.root.path)
                    }
                    if authority.isExternal {
                        let base =
                            context.policy.authority(named: credential.authorityName)?.baseName
                            ?? credential.authorityName
                        report.record(
                            .externalCA, credential.name,
                            "Detected external \(base), \(credential.longName) can't be renewed", old: certificate)
                        continue
                    }
                    if let window = options.expiringWithin, certificate.notValidAfter > context.now + window.seconds {
                        report.record(
                            .notDue, credential.name,
                            "[renew] \(credential.name) expires \(Self.format(certificate.notValidAfter)), outside --expiring-within \(window); not renewed",
                            old: certificate)
                        continue
                    }
                    if let policy = options.dueBy, !policy.isDue(certificate, now: context.now) {
                        let at = policy.renewalTime(for: certificate)
                        report.record(
                            .notDue, credential.name,
                            "[rotate] \(credential.name) expires \(Self.format(certificate.notValidAfter)), due for renewal from \(Self.format(at)); not renewed",
                            old: certificate)
                        continue
                    }
                    if let reason = try await refusal(certificate) {
                        report.record(
                            .refused, credential.name, "[renew] \(credential.name) was not renewed: \(reason)",
                            old: certificate)
                        continue
                    }
                    if options.dryRun {
                        report.record(
                            .wouldRenew, credential.name,
                            "[dry-run] \(credential.name) expires \(Self.format(certificate.notValidAfter)); would be renewed",
                            old: certificate)
                        continue
                    }
                    due.append((credential, certificate, authority))
                } catch let error where options.collectFailures {
                    report.record(
                        .failed, credential.name, "[renew] \(credential.name) failed: \(error)", error: "\(error)")
                }
            }
            if !due.isEmpty {
                options.progress(
                    WorkProgress(phase: "renew", done: 0, total: due.count, item: "generating \(due.count) new keys"))
            }
            let keys = try await PrivateKeyMaterial.generateConcurrently(due.map { _ in context.keyAlgorithm })
            for (index, ((credential, certificate, authority), key)) in zip(due, keys).enumerated() {
                options.progress(WorkProgress(phase: "renew", done: index, total: due.count, item: credential.name))
                do {
                    let renewed = try authority.sign(
                        request(copying: certificate, key: key, profile: credential.validityProfile),
                        publicKey: key.publicKey)
                    try await issued(credential, renewed)
                    do {
                        try credential.commitRenewal(certificate: renewed, key: key, authority: authority)
                    } catch {
                        // Recorded but never written: say so where it was recorded, then report the write failure.
                        do { try await abandoned(credential, renewed) } catch let second {
                            throw PKIError.fileSystem(
                                path: credential.name, detail: "\(error); and marking it unwritten failed: \(second)")
                        }
                        throw error
                    }
                    report.record(
                        .renewed, credential.name, "\(credential.longName) renewed", old: certificate, new: renewed)
                } catch let error where options.collectFailures {
                    report.record(
                        .failed, credential.name, "[renew] \(credential.name) failed: \(error)", old: certificate,
                        error: "\(error)")
                }
            }
            if !due.isEmpty {
                options.progress(WorkProgress(phase: "renew", done: due.count, total: due.count, item: "done"))
            }
            if all && report.count(.renewed) > 0 {
                report.lines.append(
                    "\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates."
                )
            }
            report.lines.forEach(output)
            return report
        }
    }

    /// Copies CN, O, DNS and IP SANs and extended key usages; validity and key usage follow the policy.
    func request(copying certificate: Certificate, key: PrivateKeyMaterial, profile: CertificateProfile?) throws
        -> IssuanceRequest
    {
        let identity = certificate.subject.kubernetesIdentity
        let names = try CertificateNames(of: certificate)
        let usages = try certificate.extensions.extendedKeyUsage.map { Array($0) } ?? [.clientAuth]
        return IssuanceRequest(
            commonName: identity.commonName, organizations: identity.organizations,
            subjectAltNames: SubjectAltNames(dnsNames: names.dnsNames, ipAddresses: names.ipAddresses),
            keyUsage: KeyUsage(
                [.digitalSignature, .keyEncipherment], keyIsRSA: key.isRSA,
                keyEnciphermentOnlyForRSA: context.policy.keyEnciphermentOnlyForRSA),
            extendedKeyUsages: usages, notBefore: context.notBefore, notAfter: context.leafNotAfter(profile))
    }

    static func format(_ date: Date) -> String { ExpirationReport.expiresFormat(date) }
}
