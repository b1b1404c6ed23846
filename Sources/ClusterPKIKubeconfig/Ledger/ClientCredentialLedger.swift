import Foundation
import X509

/// Where minted client credentials are recorded and revoked.
///
/// `kubeconfig user` records every certificate it mints before printing it, `kubeconfig list`/`revoke` manage the
/// records, and anything that accepts or renews a client certificate (`certs renew`, the join endpoint) asks
/// ``isRevoked(serial:)`` first. The protocol belongs to this module so the SQLite state store can conform to it
/// without this module depending on the store's types.
public protocol ClientCredentialLedger: Sendable {
    /// Records a minted credential.
    func record(_ credential: LedgerRecord) async throws
    /// Every recorded credential, oldest first.
    func list() async throws -> [LedgerRecord]
    /// Revokes one credential; revoking twice keeps the first revocation.
    func revoke(serial: String, actor: String, now: Date) async throws -> LedgerRecord
    /// Revokes every credential issued to `clientName` (the certificate CN).
    func revoke(clientName: String, actor: String, now: Date) async throws -> [LedgerRecord]
    /// Whether `serial` is revoked; a serial the ledger never saw is not.
    func isRevoked(serial: String) async throws -> Bool
}

extension ClientCredentialLedger {
    /// Whether the ledger revoked this certificate (by serial).
    public func isRevoked(_ certificate: Certificate) async throws -> Bool {
        try await isRevoked(serial: LedgerRecord.serial(of: certificate))
    }

    /// A `Renewer` refusal: a revoked certificate is never renewed.
    public func renewalRefusal(_ certificate: Certificate) async throws -> String? {
        let serial = LedgerRecord.serial(of: certificate)
        return try await isRevoked(serial: serial)
            ? "its certificate (serial \(serial)) is revoked in the credential ledger; mint a new credential instead"
            : nil
    }
}

/// Who is running the command, for the ledger: `$SUDO_USER`, else `$USER`, else the numeric uid.
public enum LedgerActor {
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let user = environment["SUDO_USER"], !user.isEmpty { return user }
        if let user = environment["USER"], !user.isEmpty { return user }
        return "uid:\(getuid())"
    }
}
