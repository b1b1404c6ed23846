import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import Foundation
import NIOSSL
import X509
#if canImport(Glibc)
import Glibc
#endif

/// What `clusterpki kubelet renew` is asked to do on a node.
public struct KubeletRenewRequest: Sendable {
    /// Holds `kubelet.conf` (and, when present, `pki/ca.crt`, kept equal to kubelet.conf's CA data).
    public var kubernetesDir: URL
    /// The endpoint to ask; nil means kubelet.conf's `server`.
    public var server: String?
    public var timeout: TimeInterval = 60
    /// Renew even when the certificate is neither due nor signed by a CA other than the signing one.
    public var force = false
    /// Renew when less than this fraction of the certificate's lifetime is left (the kubelet rotates at 70-90 %).
    public var renewFraction = 1.0 / 3.0

    public init(kubernetesDir: URL) { self.kubernetesDir = kubernetesDir }
}

/// `clusterpki kubelet renew`: keeps a worker working through a CA rotation without a new join.
///
/// 1. Trust: cluster-info is read over TLS verified with kubelet.conf's CA data (never unverified), and a different
///    CA bundle is written into kubelet.conf and `pki/ca.crt` atomically: after `prepare` the node trusts old + new.
/// 2. Credential: when the client certificate is due, or not signed by the signing CA (the first of the bundle, so
///    after `switch`), a CSR authenticated with the current certificate gets a new one, written where kubelet.conf
///    points (or embedded), as `clusterpki join` writes it.
public struct KubeletRenewal: Sendable {
    public struct Outcome: Sendable, Equatable {
        public var trustUpdated: Bool
        public var renewed: Bool
        /// Where the client certificate is (a file, or kubelet.conf when embedded).
        public var certificatePath: String

        public init(trustUpdated: Bool, renewed: Bool, certificatePath: String) {
            self.trustUpdated = trustUpdated
            self.renewed = renewed
            self.certificatePath = certificatePath
        }
    }

    public let request: KubeletRenewRequest

    public init(_ request: KubeletRenewRequest) { self.request = request }

    var configURL: URL { request.kubernetesDir.appendingPathComponent("kubelet.conf") }

    public func run(now: Date = Date(), progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Outcome {
        let node = try NodeConfig(url: configURL)
        let server = request.server ?? node.server
        let retry = Retry(deadline: Date() + request.timeout)

        // 1. Trust, verified with what this node trusts now.
        let reader = try APIClient.make(server: server, trust: .pinned(try node.roots()), bearerToken: nil)
        let fetched: String
        do {
            fetched = try await retry.run(step: "reading cluster-info") { () -> Retry.Outcome<String> in
                let response = try await reader.send(.GET, Discovery.path)
                guard response.status == 200 else { return .again("HTTP \(response.status): \(APIClient.message(of: response))") }
                guard let kubeconfig = try Discovery.configMapData(response.body)["kubeconfig"] else { throw JoinError.noKubeconfigInClusterInfo }
                return .done(kubeconfig)
            }
        } catch let error as JoinError {
            await reader.shutdown()
            if case .timeout(_, let last) = error { throw JoinError.trustRefreshFailed(server: server, detail: last) }
            throw error
        }
        await reader.shutdown()
        let (bundlePEM, bundle) = try Discovery.certificateAuthority(in: fetched)
        guard !bundle.isEmpty else { throw JoinError.malformedResponse("cluster-info holds no CA certificate") }
        var trustUpdated = false
        if bundle != node.bundle {
            try node.writeTrust(bundlePEM, kubernetesDir: request.kubernetesDir)
            trustUpdated = true
            progress("[kubelet] kubelet.conf now trusts \(bundle.count) CA certificate(s) from cluster-info (was \(node.bundle.count))")
        } else {
            progress("[kubelet] kubelet.conf already trusts the cluster's CA bundle")
        }

        // 2. The client certificate.
        let signing = CertificateAuthority(name: "ca", certificate: bundle[0], key: nil)
        let current = node.certificate
        let lifetime = current.notValidAfter.timeIntervalSince(current.notValidBefore)
        let due = current.notValidAfter.timeIntervalSince(now) < lifetime * request.renewFraction
        guard request.force || due || !signing.issued(current) else {
            progress("[kubelet] the client certificate is signed by the current CA and not due (NotAfter \(current.notValidAfter.ISO8601Format()))")
            return Outcome(trustUpdated: trustUpdated, renewed: false, certificatePath: node.certificatePath)
        }
        guard let nodeName = node.nodeName else {
            throw JoinError.kubeletConfigUnusable(path: configURL.path, detail: "its client certificate is not a node's (CN system:node:<name>, O system:nodes)")
        }
        progress("[kubelet] renewing the client certificate of system:node:\(nodeName) (\(signing.issued(current) ? "due" : "not signed by the current signing CA"))")
        let client = try APIClient.make(
            server: server, trust: .pinned(try bundle.map { try NIOSSLCertificateBridge.certificate($0) }), bearerToken: nil,
            identity: APIClient.Identity(certificatePEM: try PEMCertificates.encode([current]), keyPEM: try node.key.pemString()))
        let issued: TLSBootstrap.Result
        do {
            issued = try await TLSBootstrap(client: client, nodeName: nodeName, nodeIPs: [], retry: retry).run(progress: progress)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        guard let certificate = try PEMCertificates.parse(issued.certificatePEM, path: "status.certificate").first,
            bundle.contains(where: { CertificateAuthority(name: "ca", certificate: $0, key: nil).issued(certificate) })
        else { throw JoinError.malformedResponse("the issued certificate is not signed by a CA of cluster-info") }
        try node.writeCredential(certificatePEM: issued.certificatePEM, key: issued.key, kubernetesDir: request.kubernetesDir)
        progress("[kubelet] wrote the new client certificate to \(node.certificatePath) (NotAfter \(certificate.notValidAfter.ISO8601Format()))")
        return Outcome(trustUpdated: trustUpdated, renewed: true, certificatePath: node.certificatePath)
    }
}

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
        guard organizations.contains("system:nodes"), commonName.hasPrefix("system:node:"), commonName.count > "system:node:".count else { return nil }
        return String(commonName.dropFirst("system:node:".count))
    }

    init(url: URL) throws {
        func unusable(_ detail: String) -> JoinError { .kubeletConfigUnusable(path: url.path, detail: detail) }
        guard let text = FileManager.default.contents(atPath: url.path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw unusable("it does not exist or cannot be read")
        }
        let document = try KubeconfigDocument(text: text, path: url.path)
        let model = try KubeConfig(yaml: text, path: url.path)
        guard let server = document.server else { throw unusable("its cluster has no server") }
        let base = url.deletingLastPathComponent()
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : base.appendingPathComponent(path).path }
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else { throw unusable("\(path) cannot be read") }
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
        guard let certificate = try PEMCertificates.parse(certificatePEM, path: certificateFile ?? url.path).first else {
            throw unusable("the client certificate file holds no certificate")
        }
        let key = try PrivateKeyMaterial(pemEncoded: Self.privateKeyBlock(keyPEM), path: keyFile ?? url.path)
        guard key.publicKey == certificate.publicKey else { throw unusable("the client key does not match the client certificate") }
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
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), let range = Range(match.range, in: text)
        else { return text }
        return String(text[range]) + "\n"
    }

    func roots() throws -> [NIOSSLCertificate] { try bundle.map { try NIOSSLCertificateBridge.certificate($0) } }

    /// kubelet.conf's CA (embedded or its file) and a worker's `pki/ca.crt`, each replaced atomically. On a
    /// control-plane node (`pki/ca.key` beside it) `ca.crt` belongs to the CA and its rotation phases, never to this.
    func writeTrust(_ pem: String, kubernetesDir: URL) throws {
        let pkiCA = kubernetesDir.appendingPathComponent("pki/ca.crt")
        let controlPlane = FileManager.default.fileExists(atPath: kubernetesDir.appendingPathComponent("pki/ca.key").path)
        let caFileIsPKI = caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path == pkiCA.standardizedFileURL.path } ?? false
        if let caFile {
            guard !(controlPlane && caFileIsPKI) else { return }
            try Self.replace(URL(fileURLWithPath: caFile), with: pem)
        } else {
            try Self.replace(url, with: try document.replacing([.certificateAuthorityData: Data(pem.utf8).base64EncodedString()]))
        }
        if !controlPlane, !caFileIsPKI, FileManager.default.fileExists(atPath: pkiCA.path) {
            try Self.replace(pkiCA, with: pem)
        }
    }

    /// The new pair where the old one was: one combined PEM file (the kubelet's), two files, or embedded data.
    func writeCredential(certificatePEM: String, key: PrivateKeyMaterial, kubernetesDir: URL) throws {
        let keyPEM = try key.pemString()
        guard let certificateFile, let keyFile else {
            let current = try KubeconfigDocument(text: String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self), path: url.path)
            try Self.replace(url, with: try current.replacing([
                .clientCertificateData: Data(certificatePEM.utf8).base64EncodedString(), .clientKeyData: Data(keyPEM.utf8).base64EncodedString(),
            ]))
            return
        }
        let certificateURL = URL(fileURLWithPath: certificateFile)
        let keyURL = URL(fileURLWithPath: keyFile)
        if certificateURL.standardizedFileURL == keyURL.standardizedFileURL {
            try Self.replace(certificateURL, with: certificatePEM + keyPEM, mode: 0o600)
        } else if certificateURL.deletingLastPathComponent().standardizedFileURL == keyURL.deletingLastPathComponent().standardizedFileURL {
            var transaction = FileTransaction()  // both or neither
            transaction.write(keyPEM, to: keyURL.lastPathComponent, mode: 0o600)
            transaction.write(certificatePEM, to: certificateURL.lastPathComponent, mode: 0o644)
            try transaction.commit(in: certificateURL.deletingLastPathComponent())
        } else {
            throw JoinError.kubeletConfigUnusable(
                path: url.path, detail: "its client certificate and key are in different directories, which cannot be replaced together; put them in one file")
        }
    }

    /// Replaces one file atomically, keeping its mode (0600 for a new file).
    static func replace(_ url: URL, with text: String, mode: UInt32? = nil) throws {
        var transaction = FileTransaction()
        transaction.write(text, to: url.lastPathComponent, mode: mode ?? FileMode.of(url) ?? 0o600)
        try transaction.commit(in: url.deletingLastPathComponent())
    }
}
