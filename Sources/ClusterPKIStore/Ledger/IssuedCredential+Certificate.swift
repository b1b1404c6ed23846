import ClusterPKIAPI
import ClusterPKICore
import Foundation
import X509

extension IssuedCredential {
    /// The record of a freshly minted certificate: serial, CN, O and NotAfter come from the certificate.
    public init(certificate: Certificate, created: Date, actor: String) throws {
        let identity = certificate.subject.kubernetesIdentity
        try self.init(
            serial: certificate.serialHex, commonName: identity.commonName, organizations: identity.organizations,
            notAfter: certificate.notValidAfter, created: created, actor: actor)
    }
}
