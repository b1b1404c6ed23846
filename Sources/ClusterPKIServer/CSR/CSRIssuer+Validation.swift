import ClusterPKIAPI
import ClusterPKICore
import Foundation
import X509

extension CSRIssuer {
    /// What validation takes from a CSR object.
    struct ValidRequest {
        var name: String
        var csr: CertificateSigningRequest
        var usages: [String]
        /// The `clusterpki.io/node-ip` annotation.
        var declaredIPs: [IPAddress]
    }

    /// The API server's checks of a new CSR, in its order; each failure is a 422 naming the field.
    static func validate(_ object: CertificateSigningRequestObject) throws -> ValidRequest {
        let name = try Self.name(for: object.metadata)
        func invalid(_ problem: String) -> KubernetesStatus { .invalid(.certificateSigningRequest(name), problem) }
        let csr: CertificateSigningRequest
        do { csr = try CSRDecoder.decode(pem: Data(base64Encoded: object.spec.request) ?? Data()) } catch {
            throw invalid("spec.request: Invalid value: \(error.message)")
        }
        guard !object.spec.signerName.isEmpty else { throw invalid("spec.signerName: Required value") }
        let usages = object.spec.usages ?? []
        guard !usages.isEmpty else { throw invalid("spec.usages: Required value") }
        if let seconds = object.spec.expirationSeconds, seconds < 600 {
            throw invalid(
                "spec.expirationSeconds: Invalid value: \(seconds): may not specify a duration less than 600 seconds (10 minutes)"
            )
        }
        let declaredIPs = try Self.declaredNodeIPs(object.metadata.annotations, invalid: invalid)
        return ValidRequest(name: name, csr: csr, usages: usages, declaredIPs: declaredIPs)
    }

    /// `metadata.name`, or `generateName` plus five random characters; must be a valid path segment.
    static func name(for metadata: ObjectMeta) throws -> String {
        let name: String
        if let given = metadata.name, !given.isEmpty {
            name = given
        } else if let prefix = metadata.generateName, !prefix.isEmpty {
            let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
            name = prefix + String((0..<5).map { _ in alphabet.randomElement()! })
        } else {
            throw KubernetesStatus.invalid(
                .certificateSigningRequest(""), "metadata.name: Required value: name or generateName is required")
        }
        // Like the API server, any name is allowed for a CSR (the kubelet's are base64url) as long as it is a
        // valid path segment.
        // On bytes: printable ASCII only, so the byte count is the length (Foundation's substring search and a
        // `Character` count cost ~11,000 instructions a CSR).
        let bytes = name.utf8
        guard bytes.count <= 253, name != ".", name != "..",
            bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "%") })
        else {
            throw KubernetesStatus.invalid(
                .certificateSigningRequest(name),
                "metadata.name: Invalid value: \"\(name)\": may not be '.' or '..', contain '/' or '%', or be longer than 253 characters"
            )
        }
        return name
    }

    /// The `clusterpki.io/node-ip` annotation: comma-separated IP addresses.
    static func declaredNodeIPs(_ annotations: [String: String]?, invalid: (String) -> KubernetesStatus) throws
        -> [IPAddress]
    {
        guard let value = annotations?[CertificateSigningRequestObject.nodeIPAnnotation], !value.isEmpty else {
            return []
        }
        return try value.split(separator: ",").map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let ip = IPAddress(text) else {
                throw invalid(
                    "metadata.annotations[\(CertificateSigningRequestObject.nodeIPAnnotation)]: Invalid value: \"\(text)\": must be IP addresses separated by commas"
                )
            }
            return ip
        }
    }
}
