import ClusterPKIStore
import Foundation
import X509

extension CredentialLedger {
    /// Whether the ledger revoked this certificate (by serial). Anything that accepts or renews a client
    /// certificate (`certs renew`, the join endpoint) asks this first.
    public func isRevoked(_ certificate: Certificate) async throws -> Bool {
        try await isRevoked(serial: IssuedCredential.serial(of: certificate))
    }

    /// A `Renewer` refusal: a revoked certificate is never renewed.
    public func renewalRefusal(_ certificate: Certificate) async throws -> String? {
        let serial = IssuedCredential.serial(of: certificate)
        return try await isRevoked(serial: serial)
            ? "its certificate (serial \(serial)) is revoked in the credential ledger; mint a new credential instead"
            : nil
    }
}

extension IssuedCredential {
    /// The record of a freshly minted certificate: serial, CN, O and NotAfter come from the certificate.
    public init(certificate: Certificate, created: Date, actor: String) throws {
        let identity = certificate.subject.kubernetesIdentity
        try self.init(serial: Self.serial(of: certificate), commonName: identity.commonName, organizations: identity.organizations,
                      notAfter: certificate.notValidAfter, created: created, actor: actor)
    }

    /// Lowercase hex of a certificate's serial without leading zeros, the ledger's spelling.
    public static func serial(of certificate: Certificate) -> String {
        let hex = certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}

/// Who is running the command, for the ledger: `$SUDO_USER`, else `$USER`, else the numeric uid.
public enum LedgerActor {
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let user = environment["SUDO_USER"], !user.isEmpty { return user }
        if let user = environment["USER"], !user.isEmpty { return user }
        return "uid \(getuid())"
    }
}
