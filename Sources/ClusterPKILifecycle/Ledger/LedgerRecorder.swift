import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation
import X509

/// Records minted client certificates in the credential ledger, as `actor` at `now`.
public struct LedgerRecorder: CredentialRecording {
    public let ledger: any CredentialLedger
    public let actor: String
    public let now: Date

    public init(ledger: any CredentialLedger, actor: String, now: Date) {
        self.ledger = ledger
        self.actor = actor
        self.now = now
    }

    public func record(_ certificate: Certificate) async throws {
        try await ledger.recordCredential(IssuedCredential(certificate: certificate, created: now, actor: actor))
    }
}
