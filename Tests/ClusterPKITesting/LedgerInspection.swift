import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore

/// The ledger row of a minted user kubeconfig's client certificate, if the ledger holds one.
public func recorded(_ minted: UserKubeconfig, in ledger: some CredentialLedger) async throws -> IssuedCredential? {
    guard let serial = minted.certificate?.serialHex else { return nil }
    return try await ledger.credentials().first { $0.serial == serial }
}
