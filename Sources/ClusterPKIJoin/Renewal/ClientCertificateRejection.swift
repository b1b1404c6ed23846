import ClusterPKICore
import Foundation
import X509

/// Why a server rejects a node's client certificate at the TLS handshake; found before connecting when the node can
/// tell (the certificate's dates, the CA bundle of cluster-info), or from the server's TLS alert.
public enum ClientCertificateRejection: Sendable, Equatable, CustomStringConvertible {
    case expired(notAfter: Date)
    case notYetValid(notBefore: Date)
    /// Not signed by any CA the server trusts now (cluster-info's bundle).
    case foreignAuthority
    /// The server's TLS alert, when the node could not tell in advance.
    case refusedByServer(alert: String)

    public var description: String {
        switch self {
        case .expired(let notAfter): return "expired on \(notAfter.ISO8601Format())"
        case .notYetValid(let notBefore):
            return "is not valid before \(notBefore.ISO8601Format()) (check this node's clock)"
        case .foreignAuthority: return "is signed by a CA the server no longer trusts"
        case .refusedByServer(let alert): return "was refused by the server at the TLS handshake (\(alert))"
        }
    }

    /// What is wrong with `certificate` at `now` for a server trusting `bundle`, if anything.
    static func check(_ certificate: Certificate, bundle: [Certificate], now: Date) -> ClientCertificateRejection? {
        if certificate.notValidAfter <= now { return .expired(notAfter: certificate.notValidAfter) }
        if certificate.notValidBefore > now { return .notYetValid(notBefore: certificate.notValidBefore) }
        let trusted = bundle.contains {
            CertificateAuthority(name: "ca", certificate: $0, key: nil).issued(certificate)
        }
        return trusted ? nil : .foreignAuthority
    }

    /// The TLS alerts a server sends for a client certificate it will not accept (BoringSSL's names).
    static let rejectionAlerts = [
        "CERTIFICATE_EXPIRED", "UNKNOWN_CA", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN", "CERTIFICATE_REVOKED",
        "UNSUPPORTED_CERTIFICATE", "DECRYPT_ERROR",
    ]

    /// The rejection a TLS error stands for, or nil when it is something else (a network failure is retried).
    static func fromTLSError(_ error: any Error) -> ClientCertificateRejection? {
        let text = String(describing: error).uppercased()
        guard let alert = rejectionAlerts.first(where: { text.contains("ALERT_" + $0) || text.contains("ALERT " + $0) })
        else {
            return nil
        }
        return .refusedByServer(alert: alert.lowercased().replacingOccurrences(of: "_", with: " "))
    }
}
