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
            })
    }
}
