import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// The ledger of minted client credentials, and their revocation.
public protocol CredentialLedger: Sendable {
    /// Records a credential; fails with ``StoreError/credentialAlreadyRecorded(serial:)`` for a reused serial.
    func recordCredential(_ credential: IssuedCredential) async throws
    /// All recorded credentials, oldest first.
    func credentials() async throws -> [IssuedCredential]
    /// Revokes one credential by serial and returns it; revoking twice keeps the first revocation.
    func revokeCredential(serial: String, actor: String, now: Date) async throws -> IssuedCredential
    /// Revokes every credential whose common name is `clientName` and returns them.
    func revokeCredentials(clientName: String, actor: String, now: Date) async throws -> [IssuedCredential]
    /// Whether `serial` is revoked; a serial the ledger never saw is not revoked.
    func isRevoked(serial: String) async throws -> Bool
}
