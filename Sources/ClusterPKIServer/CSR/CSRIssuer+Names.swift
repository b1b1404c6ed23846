import ClusterPKICore

extension CSRIssuer {
    /// The CSR's names checked as Core checks them before signing, so that nothing is approved that cannot be signed.
    ///
    /// A `system:node:<name>` CN whose node name Kubernetes would refuse (not a DNS-1123 subdomain: a newline, upper
    /// case, 254 characters) is a denial with the reason, as an approver's verdict; any other name Core refuses (an
    /// empty or 70-character O, a control character, a bad DNS SAN) makes the object invalid: 422 on `spec.request`.
    static func nameDenial(_ review: CSRReview, name: String) throws -> CSRDecision? {
        if let node = NodeIdentity.nodeName(fromUserName: review.commonName) {
            do {
                try SubjectNameValidator.validateNodeName(node)
            } catch {
                return .deny(reason: "InvalidNodeName", message: error.message)
            }
        }
        do {
            try SubjectNameValidator.validate(
                commonName: review.commonName, organizations: review.organizations, dnsNames: review.dnsNames)
        } catch {
            throw KubernetesStatus.invalidName(error, object: .certificateSigningRequest(name)) { field in
                "spec.request" + (field.map { " (\($0))" } ?? "")
            }
        }
        return nil
    }
}
