import X509

/// Where a minted client certificate is recorded before its kubeconfig is written or returned: the credential
/// ledger on a node that holds the state store, the join endpoint on a joining control-plane node.
///
/// Recording first means no client certificate clusterpki mints escapes listing and revocation; a recorder that
/// fails stops the mint before anything is written.
public protocol CredentialRecording: Sendable {
    func record(_ certificate: Certificate) async throws
}
