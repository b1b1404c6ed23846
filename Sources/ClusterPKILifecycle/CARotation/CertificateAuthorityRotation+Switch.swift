import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation
import X509

extension CertificateAuthorityRotation {
    /// `switch`: the next CA signs from now on (`<base>.crt` = new + old, `<base>.key` = new key, one FileTransaction),
    /// then every leaf, kubeconfig client certificate and `clusterpki-server` it signs is re-issued by it, and the
    /// kubeconfigs trust new + old. A re-run skips what a crash left done; the phase is recorded only when all is.
    func switchToNext() async throws -> [String] {
        let directory = context.directory
        let (bundle, swapped) = try await directory.withExclusiveLock(create: false) { () -> ([Certificate], Bool) in
            guard let next = try directory.readCertificates(nextBase)?.first,
                let nextKey = try directory.readKey(nextBase),
                nextKey.publicKey == next.publicKey
            else { throw RotationError.notPrepared(name: profile.name) }
            let certificates = try directory.readCertificates(profile.baseName) ?? []
            if try directory.readKey(profile.baseName)?.publicKey == next.publicKey {
                guard certificates.first == next else {
                    throw RotationError.bundleWithoutNextAuthority(path: directory.url(profile.baseName, "crt").path)
                }
                return (certificates, false)  // switched before a crash or a re-run
            }
            guard certificates.count == 2, certificates[1] == next else {
                throw RotationError.bundleWithoutNextAuthority(path: directory.url(profile.baseName, "crt").path)
            }
            let bundle = [next, certificates[0]]
            var transaction = FileTransaction()
            transaction.write(
                try PEMCertificates.encode(bundle), to: directory.path(profile.baseName, "crt"), mode: 0o644)
            transaction.write(try nextKey.pemString(), to: directory.path(profile.baseName, "key"), mode: 0o600)
            try transaction.commit(in: directory.root)
            return (bundle, true)
        }
        // When the next CA started signing: node credentials issued before it (plus a margin for clusterpki serve, which
        // looks at the files once a second) still need renewing before finish.
        let recorded = try await store.rotationPhase(profile.name)
        let since: Date
        if swapped || recorded == nil || recorded?.phase == "prepared" {
            since = context.now
            try await store.recordRotationPhase(
                RotationPhase(
                    subject: profile.name, phase: "switching", updatedAt: since, actor: actor,
                    detail: "signing=\(try DiscoveryHash(of: bundle[0]))"))
        } else {
            since = recorded.flatMap { Self.switchedSince($0) } ?? recorded!.updatedAt
        }
        var lines = [
            swapped
                ? "[ca] the next \(profile.name) signs from now on; \(directory.path(profile.baseName, "crt")) holds the next then the previous CA"
                : "[ca] the next \(profile.name) signs already; re-issuing what is left"
        ]
        let (store, context, actor) = (self.store, self.context, self.actor)
        let next = CertificateAuthority(name: profile.name, certificate: bundle[0], key: nil)
        var credentials = context.fileCredentials
        if profile.name == "ca" {
            credentials +=
                context.kubeconfigCredentials
                + [context.servingCredential, context.kubeletCredential].compactMap { $0 }
        }
        let renewer = Renewer.recordingInLedger(
            context: context, credentials: credentials.filter { $0.authorityName == profile.name }, ledger: store,
            actor: actor,
            refusal: { next.issued($0) ? "already signed by the next \(next.name)" : nil })
        let report = try await renewer.renew(
            ["all"], options: RenewalOptions(collectFailures: true, progress: progress))
        lines += report.items.filter { $0.outcome == .renewed }.map { item in
            item.name == KubeletConfigCredential.fileName
                ? "[ca] this node's own kubelet client certificate (kubelet.conf) re-issued by the next \(profile.name) from the local CA key: this node needs no `clusterpki kubelet renew`"
                : "[ca] \(item.name) re-issued by the next \(profile.name)"
        }
        let failed = report.items.filter { $0.outcome == .failed }
        guard failed.isEmpty else {
            throw RotationError.switchIncomplete(failures: failed.map { "\($0.name): \($0.error ?? "")" })
        }
        if profile.name == "ca" { lines += try updateKubeconfigs(bundle) }
        // The serial of this node's kubelet.conf certificate re-issued here: the next CA signed it, although the
        // ledger dates it inside the signer's lag; finish counts this node as renewed (see `switchRenewedSerials`).
        var detail = "signing=\(try DiscoveryHash(of: bundle[0])) since=\(Self.timestamp.string(from: since))"
        if let serial = report.items.first(where: {
            $0.name == KubeletConfigCredential.fileName && $0.outcome == .renewed
        })?.newSerial {
            detail += " renewed=\(serial)"
        } else if let previous = recorded.map(Self.switchRenewedSerials), !previous.isEmpty {
            detail += " renewed=\(previous.joined(separator: ","))"  // a re-run keeps what the first run re-issued
        }
        try await store.recordRotationPhase(
            RotationPhase(
                subject: profile.name, phase: "switched", updatedAt: context.now, actor: actor, detail: detail))
        lines.append(
            profile.name == "ca"
                ? "[ca] phase switch done for ca; restart the control-plane components so they load the new files (clusterpki serve follows by itself), then run `clusterpki kubelet renew` on every worker before finish"
                : "[ca] phase switch done for \(profile.name); restart the control-plane components so they load the new files"
        )
        lines.append(Self.uploadHint)
        return lines
    }

    /// The node credentials switch re-issued itself from the local key of the next CA (`renewed=` in the record).
    static func switchRenewedSerials(_ phase: RotationPhase) -> [String] {
        guard let field = phase.detail.split(separator: " ").first(where: { $0.hasPrefix("renewed=") }) else {
            return []
        }
        return field.dropFirst("renewed=".count).split(separator: ",").map {
            (try? IssuedCredential.normalizeSerial(String($0))) ?? String($0)
        }
    }

    /// The moment the next CA started signing, from a `switching` or `switched` record.
    static func switchedSince(_ phase: RotationPhase) -> Date? {
        if phase.phase == "switching" { return phase.updatedAt }
        guard phase.phase == "switched",
            let field = phase.detail.split(separator: " ").first(where: { $0.hasPrefix("since=") })
        else { return nil }
        return timestamp.date(from: String(field.dropFirst("since=".count)))
    }

    static var timestamp: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
