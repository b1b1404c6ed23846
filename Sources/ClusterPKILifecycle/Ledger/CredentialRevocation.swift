import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// `kubeconfig revoke`: marks credentials revoked, so clusterpki never renews them and the endpoint refuses them.
public enum CredentialRevocation {
    /// What to revoke: one certificate by serial, or every credential of a client name.
    public enum Target: Sendable, Hashable {
        case serial(String)
        case clientName(String)
    }

    /// Revokes `target` and returns the records; `ledger` nil (no state database yet) has nothing to revoke.
    public static func revoke(_ target: Target, ledger: (any CredentialLedger)?, actor: String, now: Date) async throws
        -> [IssuedCredential]
    {
        switch target {
        case .serial(let serial):
            guard let ledger else {
                throw StoreError.credentialNotFound(serial: try IssuedCredential.normalizeSerial(serial))
            }
            return [try await ledger.revokeCredential(serial: serial, actor: actor, now: now)]
        case .clientName(let name):
            guard let ledger else { throw StoreError.noCredentialsForClient(name: name) }
            return try await ledger.revokeCredentials(clientName: name, actor: actor, now: now)
        }
    }
}
