import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation

/// Who sent a request, as the API server's authenticators would decide it.
public enum Identity: Sendable, Hashable {
    case anonymous
    /// A bootstrap token (`Authorization: Bearer <id>.<secret>`).
    case token(TokenAuthentication)
    /// A client certificate issued by the cluster CA: CN is the user, O are the groups.
    case certificate(CertificateIdentity)

    public var username: String {
        switch self {
        case .anonymous: return "system:anonymous"
        case .token(let token): return token.username
        case .certificate(let certificate): return certificate.commonName
        }
    }

    /// Groups including `system:authenticated` / `system:unauthenticated`, as the API server adds them.
    public var groups: [String] {
        switch self {
        case .anonymous: return ["system:unauthenticated"]
        case .token(let token): return token.groups + ["system:authenticated"]
        case .certificate(let certificate): return certificate.organizations + ["system:authenticated"]
        }
    }

    public var isAnonymous: Bool { if case .anonymous = self { return true } else { return false } }

    /// Whether any of the identity's groups is in `allowed`.
    public func isMember(ofAny allowed: [String]) -> Bool {
        !Set(groups).isDisjoint(with: allowed)
    }

    /// A certificate identity whose organizations include one of `organizations`.
    public func isCertificate(inAny organizations: [String]) -> Bool {
        guard case .certificate(let certificate) = self else { return false }
        return !Set(certificate.organizations).isDisjoint(with: organizations)
    }

    /// The node name when this is a node's own client certificate (`system:node:<name>`, O `system:nodes`).
    public var nodeName: String? {
        guard case .certificate(let certificate) = self else { return nil }
        return NodeIdentity.nodeName(commonName: certificate.commonName, organizations: certificate.organizations)
    }

    /// The bootstrap token id when the request authenticated with one (audit events name it).
    public var tokenID: String? {
        if case .token(let token) = self { return token.tokenID }
        return nil
    }
}

/// The subject and serial of a verified client certificate.
public struct CertificateIdentity: Sendable, Hashable {
    public var commonName: String
    public var organizations: [String]
    /// Lowercase hex, as the ledger stores it.
    public var serial: String
    public var notAfter: Date

    public init(commonName: String, organizations: [String], serial: String, notAfter: Date) {
        self.commonName = commonName
        self.organizations = organizations
        self.serial = serial
        self.notAfter = notAfter
    }
}
