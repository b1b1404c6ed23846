import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// `kubeconfig user`: a kubeconfig for a person, with its client certificate recorded in the credential ledger.
///
/// The request is checked against the policy before the ledger is opened, so bad input never creates a state
/// database; a token kubeconfig mints no certificate and never opens it.
public enum UserCredentialIssuance {
    /// Validates `request`, then mints a token kubeconfig, or a client certificate recorded (as `actor` at
    /// `context.now`) in the ledger `openLedger` returns.
    public static func issue(
        _ request: UserCredentialRequest, context: TreeContext, actor: String,
        openLedger: () async throws -> any CredentialLedger
    ) async throws -> UserKubeconfig {
        let minter = UserCredentialMinter(context: context)
        _ = try minter.validate(request)
        if request.token != nil { return try await minter.mintToken(request) }
        let recorder = LedgerRecorder(ledger: try await openLedger(), actor: actor, now: context.now)
        return try await minter.mint(request, recorder: recorder)
    }
}
