import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation
import X509

extension CredentialLedger {
    /// Whether the ledger revoked this certificate (by serial). Anything that accepts or renews a client
    /// certificate (`certs renew`, the join endpoint) asks this first.
    public func isRevoked(_ certificate: Certificate) async throws -> Bool {
        try await isRevoked(serial: certificate.serialHex)
    }

    /// A `Renewer` refusal: a revoked certificate is never renewed.
    public func renewalRefusal(_ certificate: Certificate) async throws -> String? {
        let serial = certificate.serialHex
        return try await isRevoked(serial: serial)
            ? "its certificate (serial \(serial)) is revoked in the credential ledger; mint a new credential instead"
            : nil
    }
}
