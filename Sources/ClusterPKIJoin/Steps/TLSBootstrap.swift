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

    static let collection = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
    static let signerName = "kubernetes.io/kube-apiserver-client-kubelet"
    static let usages = ["digital signature", "client auth"]

    struct Result: Sendable {
        var certificatePEM: String
        var key: PrivateKeyMaterial
    }

    func run(progress: @Sendable (String) -> Void) async throws -> Result {
        let key = try PrivateKeyMaterial.generate(.ecdsaP256)
        let commonName = "system:node:\(nodeName)"
        let subject = try DistinguishedName.kubernetes(commonName: commonName, organizations: ["system:nodes"])
        let csr = try CertificateSigningRequest(version: .v1, subject: subject, privateKey: key.certificateKey,
                                                attributes: CertificateSigningRequest.Attributes())
        let pem = try csr.serializeAsPEM().pemString + "\n"
        let name = try Self.csrName(publicKey: key.publicKey, commonName: commonName, organizations: ["system:nodes"])
        var metadata: [String: Any] = ["name": name]
        if !nodeIPs.isEmpty { metadata["annotations"] = ["clusterpki.io/node-ip": nodeIPs.joined(separator: ",")] }
        let body: [String: Any] = [
            "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": metadata,
            "spec": ["request": Data(pem.utf8).base64EncodedString(), "signerName": Self.signerName, "usages": Self.usages],
        ]
        let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        progress("[kubelet-start] Posting certificate signing request \(name)")
        try await retry.run(step: "posting the CSR") { () -> Retry.Outcome<Void> in
            let response = try await client.send(.POST, Self.collection, json: json)
            switch response.status {
            case 200, 201, 409: return .done(())
            case 401, 403: throw JoinError.forbidden(APIClient.message(of: response))
            case 400, 422: throw JoinError.server(status: response.status, message: APIClient.message(of: response))
            default: return .again("HTTP \(response.status): \(APIClient.message(of: response))")
            }
        }
        progress("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap")
        let certificate = try await retry.run(step: "waiting for the signed certificate") { () -> Retry.Outcome<String> in
            let response = try await client.send(.GET, Self.collection + "/" + name)
            guard response.status == 200 else {
                if response.status == 401 || response.status == 403 { throw JoinError.forbidden(APIClient.message(of: response)) }
                return .again("HTTP \(response.status): \(APIClient.message(of: response))")
            }
            guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
                throw JoinError.malformedResponse("the CSR is not a JSON object")
            }
            let status = object["status"] as? [String: Any] ?? [:]
            for condition in status["conditions"] as? [[String: Any]] ?? [] where ["Denied", "Failed"].contains(condition["type"] as? String) {
                throw JoinError.csrDenied(reason: condition["reason"] as? String ?? "Denied", message: condition["message"] as? String ?? "")
            }
            guard let encoded = status["certificate"] as? String, let data = Data(base64Encoded: encoded), !data.isEmpty else {
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
    static func csrName(publicKey: Certificate.PublicKey, commonName: String, organizations: [String]) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(publicKey)
        let spki = Data(serializer.serializedBytes)
        var input = Data()
        for part in [spki] + ([commonName] + organizations + usages).map({ Data($0.utf8) }) {
            input += Data(DetachedJWS.base64URL(part).utf8) + Data("|".utf8)
        }
        return "node-csr-" + DetachedJWS.base64URL(Data(SHA256.hash(data: input)))
    }
}

