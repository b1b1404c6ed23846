import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing
import X509

/// Builds a PKCS#10 request as the kubelet does (P-256 key, subject O then CN, optional SANs).
public enum TestCSR {
    public static func pem(
        commonName: String, organizations: [String], dnsNames: [String] = [], ipAddresses: [String] = []
    ) throws -> String {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName.kubernetes(commonName: commonName, organizations: organizations)
        var attributes = CertificateSigningRequest.Attributes()
        if !dnsNames.isEmpty || !ipAddresses.isEmpty {
            let names: [GeneralName] =
                dnsNames.map { .dnsName($0) }
                + ipAddresses.map { .ipAddress(.init(contentBytes: ArraySlice(IPAddress($0)!.octets))) }
            let extensions = try Certificate.Extensions { SubjectAlternativeNames(names) }
            attributes.insert(try CertificateSigningRequest.Attribute(ExtensionRequest(extensions: extensions)))
        }
        let csr = try CertificateSigningRequest(
            version: .v1, subject: subject, privateKey: Certificate.PrivateKey(key), attributes: attributes,
            signatureAlgorithm: .ecdsaWithSHA256)
        return try csr.serializeAsPEM().pemString + "\n"
    }

    /// The JSON body of a CSR object.
    public static func body(
        name: String, pem: String, signer: String = "kubernetes.io/kube-apiserver-client-kubelet",
        usages: [String] = ["digital signature", "client auth"], annotations: [String: String]? = nil
    ) throws -> ByteBuffer {
        var metadata: [String: Any] = ["name": name]
        if let annotations { metadata["annotations"] = annotations }
        let object: [String: Any] = [
            "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": metadata,
            "spec": ["request": Data(pem.utf8).base64EncodedString(), "signerName": signer, "usages": usages],
        ]
        return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }
}
