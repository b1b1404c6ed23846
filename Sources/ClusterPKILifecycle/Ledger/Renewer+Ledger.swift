import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation
import X509

extension Renewer {
    /// A renewer wired to the credential ledger: a revoked certificate is never renewed, and every renewed kubeconfig
    /// client certificate is recorded before its file is written. `ledger` nil (no state database yet) refuses and
    /// records nothing; `refusal` adds a caller's own reason to skip a certificate (checked first).
    public static func recordingInLedger(
        context: TreeContext, credentials: [any RenewableCredential], ledger: (any CredentialLedger)?, actor: String,
        refusal: (@Sendable (Certificate) async throws -> String?)? = nil
    ) -> Renewer {
        let recorder = ledger.map { LedgerRecorder(ledger: $0, actor: actor, now: context.now) }
        return Renewer(
            context: context, credentials: credentials,
            refusal: { certificate in
                if let reason = try await refusal?(certificate) { return reason }
                return try await ledger?.renewalRefusal(certificate)
            },
            issued: { credential, certificate in
                // Kubeconfig client certificates (kubelet.conf's too) are credentials: their new serials join the ledger.
                guard credential is KubeconfigFileCredential || credential is KubeletConfigCredential else { return }
                try await recorder?.record(certificate)
            },
            abandoned: { credential, certificate in
                // The row is written BEFORE the file, so a crash can never leave a certificate on disk the ledger
                // does not know. When the file write then fails (ENOSPC, EIO), the row is marked by revoking it: a
                // certificate that was never written must never be accepted nor renewed, and `kubeconfig list`
                // shows it revoked by `<actor> (file write failed)` instead of as live. (When the disk that is full
                // also holds the database, the record itself fails first and there is no row at all.)
                guard credential is KubeconfigFileCredential, let ledger else { return }
                _ = try await ledger.revokeCredential(
                    serial: certificate.serialHex, actor: "\(actor) (file write failed)", now: context.now)
            })
    }
}
