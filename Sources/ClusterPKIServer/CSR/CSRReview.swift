import ClusterPKIAPI
import ClusterPKICore
import Foundation
import SwiftASN1
import X509

/// A CSR as the approver sees it: the parsed PKCS#10 plus what the API object asks for.
public struct CSRReview: Sendable {
    public var signerName: String
    public var usages: [String]
    public var commonName: String
    public var organizations: [String]
    public var dnsNames: [String]
    public var ipAddresses: [IPAddress]
    /// Email, URI and other SAN kinds.
    public var otherNames: [String]
    public var signatureIsValid: Bool
    public var requester: Identity
    /// `spec.expirationSeconds`: caps the lifetime of the certificate (nil: the policy's signing duration).
    public var expirationSeconds: Int?

    public init(
        signerName: String, usages: [String], commonName: String, organizations: [String], dnsNames: [String] = [],
        ipAddresses: [IPAddress] = [], otherNames: [String] = [], signatureIsValid: Bool = true, requester: Identity,
        expirationSeconds: Int? = nil
    ) {
        self.signerName = signerName
        self.usages = usages
        self.commonName = commonName
        self.organizations = organizations
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.otherNames = otherNames
        self.signatureIsValid = signatureIsValid
        self.requester = requester
        self.expirationSeconds = expirationSeconds
    }

    /// Reads subject and SANs from a CSR that ``CSRDecoder`` decoded: it refuses a CSR whose self-signature does
    /// not verify, so the signature (a P-256 or RSA verification, the CSR path's largest cost after signing) is not
    /// checked a second time here.
    public init(
        verified csr: CertificateSigningRequest, signerName: String, usages: [String], requester: Identity,
        expirationSeconds: Int? = nil
    ) throws {
        let (commonName, organizations) = csr.subject.kubernetesIdentity
        let names = try CertificateNames(requestedBy: csr)
        self.init(
            signerName: signerName, usages: usages, commonName: commonName, organizations: organizations,
            dnsNames: names.dnsNames,
            ipAddresses: names.ipAddresses, otherNames: names.otherNames,
            signatureIsValid: true,
            requester: requester, expirationSeconds: expirationSeconds)
    }

    var hasSANs: Bool { !dnsNames.isEmpty || !ipAddresses.isEmpty || !otherNames.isEmpty }
}
