import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// `certs renew` (kubeadm certs renew): renews the named certificates of the tree with new keys.
/// Inputs: ``TreeContext``, the names (or `all`), an optional window, the credential ledger if the state database
/// exists. Outputs: the renewed files, their new kubeconfig serials in the ledger, and a ``RenewalReport``.
public enum CertificatesRenewal {
    /// Renews ``TreeContext/renewableCredentials`` named in `names`, only those expiring within `expiringWithin` when
    /// given; a credential the ledger revoked is never renewed. `ledger` nil (no state database yet) refuses and
    /// records nothing.
    public static func run(
        context: TreeContext, names: [String], expiringWithin: GoDuration?, ledger: (any CredentialLedger)?,
        actor: String,
        output: @Sendable (String) -> Void = { _ in }
    ) async throws -> RenewalReport {
        let renewer = Renewer.recordingInLedger(
            context: context, credentials: context.renewableCredentials, ledger: ledger, actor: actor)
        return try await renewer.renew(names, expiringWithin: expiringWithin, output: output)
    }
}
