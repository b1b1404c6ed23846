import Foundation

/// The JSON bodies the server decodes (CSRs, Secrets, UserKubeconfigs, CertificateUploads), decoded as the server
/// decodes them (RequestBody), encoded back as it stores them (KubernetesJSON), and what it checks next: a CSR
/// object's validation (name, PEM, usages, node-IP annotation), a Secret's data, an upload's certificate key.
func fuzz(_ data: [UInt8]) {
    let body = Data(data)
    if let csr = roundTrip(CertificateSigningRequestObject.self, body, "CertificateSigningRequest") {
        _ = try? CSRIssuer.validate(csr)
    }
    if let secret = roundTrip(Secret.self, body, "Secret") { _ = try? secret.decodedData() }
    _ = roundTrip(UserKubeconfigObject.self, body, "UserKubeconfig")
    if let upload = roundTrip(CertificateUploadObject.self, body, "CertificateUpload"),
        let key = upload.spec?.certificateKey
    {
        _ = try? CertificateKey(parsing: key)
    }
}

/// The decoded object, after checking that storing it and reading it back changes nothing.
func roundTrip<T: Codable & Hashable & KubernetesObjectBody>(_ type: T.Type, _ body: Data, _ what: String) -> T? {
    guard let object = try? RequestBody.decode(type, from: body, what: what) else { return nil }
    let stored = try? KubernetesJSON.decode(type, from: KubernetesJSON.encode(object))
    require(stored == object, "a \(what) changes when it is stored and read back")
    return object
}
