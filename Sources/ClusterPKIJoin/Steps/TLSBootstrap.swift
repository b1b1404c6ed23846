import ClusterPKIAPI
import ClusterPKICore
import Crypto
import Foundation
import SwiftASN1
import X509

/// The kubelet's TLS bootstrap: a CSR for `system:node:<name>` signed through the API, waited for until issued.
struct TLSBootstrap: Sendable {
    let client: APIClient
    let nodeName: String
    let nodeIPs: [String]
    let retry: Retry

    struct Result: Sendable {
        var certificatePEM: String
        var key: PrivateKeyMaterial
    }

    func run(progress: @Sendable (String) -> Void) async throws -> Result {
        let key = try PrivateKeyMaterial.generate(.ecdsaP256)
        let commonName = NodeIdentity.userName(nodeName)
        let subject = try DistinguishedName.kubernetes(commonName: commonName, organizations: [NodeIdentity.group])
        let csr = try CertificateSigningRequest(
            version: .v1, subject: subject, privateKey: key.certificateKey,
            attributes: CertificateSigningRequest.Attributes())
        let pem = try csr.serializeAsPEM().pemString + "\n"
        let name = try Self.csrName(
            publicKey: key.publicKey, commonName: commonName, organizations: [NodeIdentity.group])
        var metadata = ObjectMeta(name: name)
        if !nodeIPs.isEmpty {
            metadata.annotations = [CertificateSigningRequestObject.nodeIPAnnotation: nodeIPs.joined(separator: ",")]
        }
        let object = CertificateSigningRequestObject(
            metadata: metadata,
            spec: .init(
                request: Data(pem.utf8).base64EncodedString(),
                signerName: CertificateSigningRequestObject.kubeletClientSigner,
                usages: CertificateSigningRequestObject.kubeletClientUsages))
        progress("[kubelet-start] Posting certificate signing request \(name)")
        try await retry.run(step: "posting the CSR") { () -> Retry.Outcome<Void> in
            let response = try await client.send(.POST, APIPaths.certificateSigningRequests, object: object)
            switch response.status {
            case 200, 201, 409: return .done(())
            case 401, 403: throw JoinError.forbidden(APIClient.message(of: response))
            case 400, 422: throw JoinError.server(status: response.status, message: APIClient.message(of: response))
            default: return .again("HTTP \(response.status): \(APIClient.message(of: response))")
            }
        }
        progress("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap")
        let certificate = try await retry.run(step: "waiting for the signed certificate") {
            () -> Retry.Outcome<String> in
            let response = try await client.send(.GET, APIPaths.certificateSigningRequest(name))
            guard response.status == 200 else {
                if response.status == 401 || response.status == 403 {
                    throw JoinError.forbidden(APIClient.message(of: response))
                }
                return .again("HTTP \(response.status): \(APIClient.message(of: response))")
            }
            let polled = try APIClient.decode(CertificateSigningRequestObject.self, from: response, what: "the CSR")
            if let failure = polled.failure {
                throw JoinError.csrDenied(reason: failure.reason ?? failure.type, message: failure.message ?? "")
            }
            guard let encoded = polled.status?.certificate, let data = Data(base64Encoded: encoded), !data.isEmpty
            else {
                return .again("the certificate is not issued yet")
            }
            return .done(String(decoding: data, as: UTF8.self))
        }
        let issued = try PEMCertificates.parse(certificate, path: "status.certificate")
        guard issued.first?.publicKey == key.publicKey else {
            throw JoinError.malformedResponse("the issued certificate is not for the key this node generated")
        }
        return Result(certificatePEM: certificate, key: key)
    }

    /// `node-csr-` + base64url of a digest of (SPKI, CN, O, usages), like the kubelet's digested name.
    /// The kubelet uses SHA-512/256, which swift-crypto lacks; SHA-256 serves the same purpose (idempotent names).
    static func csrName(publicKey: Certificate.PublicKey, commonName: String, organizations: [String]) throws -> String
    {
        var serializer = DER.Serializer()
        try serializer.serialize(publicKey)
        let spki = Data(serializer.serializedBytes)
        var input = Data()
        for part in [spki]
            + ([commonName] + organizations + CertificateSigningRequestObject.kubeletClientUsages).map({ Data($0.utf8) }
            )
        {
            input += Data(DetachedJWS.base64URL(part).utf8) + Data("|".utf8)
        }
        return "node-csr-" + DetachedJWS.base64URL(Data(SHA256.hash(data: input)))
    }
}
