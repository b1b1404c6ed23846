import ClusterPKICore
import ClusterPKIKubeconfig
import Foundation
import NIOSSL
import X509

/// The parts of a node's kubelet.conf that renewal reads and writes.
struct NodeConfig: Sendable {
    let url: URL
    let document: KubeconfigDocument
    let server: String
    let bundle: [Certificate]
    /// `certificate-authority` when the CA is a file rather than embedded.
    let caFile: String?
    let certificate: Certificate
    let key: PrivateKeyMaterial
    /// `client-certificate` / `client-key` paths; nil when embedded.
    let certificateFile: String?
    let keyFile: String?

    var certificatePath: String { certificateFile ?? url.path }

    var nodeName: String? {
        let (commonName, organizations) = certificate.subject.kubernetesIdentity
        return NodeIdentity.nodeName(commonName: commonName, organizations: organizations)
    }

    init(url: URL) throws {
        func unusable(_ detail: String) -> JoinError { .kubeletConfigUnusable(path: url.path, detail: detail) }
        guard let text = FileManager.default.contents(atPath: url.path).map({ String(decoding: $0, as: UTF8.self) })
        else {
            throw unusable("it does not exist or cannot be read")
        }
        let document = try KubeconfigDocument(text: text, path: url.path)
        let model = try KubeConfig(yaml: text, path: url.path)
        guard let server = document.server else { throw unusable("its cluster has no server") }
        let base = url.deletingLastPathComponent()
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : base.appendingPathComponent(path).path }
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw unusable("\(path) cannot be read")
            }
            return String(decoding: data, as: UTF8.self)
        }
        let caPEM: String
        if let embedded = try document.pem(.certificateAuthorityData) {
            caPEM = embedded
            caFile = nil
        } else if let file = document.certificateAuthorityFile {
            caFile = resolve(file)
            caPEM = try read(caFile!)
        } else {
            throw unusable("it names no CA (certificate-authority-data or certificate-authority)")
        }
        let user = model.users.first { $0.name == document.userName }?.user
        let certificatePEM: String
        let keyPEM: String
        if let embedded = try document.pem(.clientCertificateData), let embeddedKey = try document.pem(.clientKeyData) {
            (certificatePEM, keyPEM, certificateFile, keyFile) = (embedded, embeddedKey, nil, nil)
        } else if let certificate = user?.clientCertificate, let key = user?.clientKey {
            certificateFile = resolve(certificate)
            keyFile = resolve(key)
            certificatePEM = try read(certificateFile!)
            keyPEM = try read(keyFile!)
        } else {
            throw unusable("its user has no client certificate and key")
        }
        guard let certificate = try PEMCertificates.parse(certificatePEM, path: certificateFile ?? url.path).first
        else {
            throw unusable("the client certificate file holds no certificate")
        }
        let key = try PrivateKeyMaterial(pemEncoded: Self.privateKeyBlock(keyPEM), path: keyFile ?? url.path)
        guard key.publicKey == certificate.publicKey else {
            throw unusable("the client key does not match the client certificate")
        }
        self.url = url
        self.document = document
        self.server = server
        self.bundle = try PEMCertificates.parse(caPEM, path: caFile ?? url.path)
        self.certificate = certificate
        self.key = key
    }

    /// The private-key block of a PEM file that may also hold certificates (kubelet-client-current.pem does).
    static func privateKeyBlock(_ text: String) -> String {
        let pattern = "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----"
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range, in: text)
        else { return text }
        return String(text[range]) + "\n"
    }

    func roots() throws -> [NIOSSLCertificate] { try bundle.map { try NIOSSLCertificateBridge.certificate($0) } }
}
