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

/// Reads the client certificate and address from test headers: in-process router tests have no TLS channel.
/// (Test target only: production reads both from the TLS connection.)
struct HeaderPeer: ConnectionPeer {
    static let certificateHeader = HTTPField.Name("x-test-client-certificate")!
    static let addressHeader = HTTPField.Name("x-test-remote-address")!

    func certificate(for request: Request, context: ServerContext) async -> Certificate? {
        guard let value = request.headers[Self.certificateHeader], let der = Data(base64Encoded: value) else { return nil }
        return try? Certificate(derEncoded: Array(der))
    }

    func address(for request: Request, context: ServerContext) -> String {
        request.headers[Self.addressHeader] ?? "192.0.2.1"
    }
}

/// A client credential for tests.
struct TestCredential {
    let certificate: Certificate
    let key: PrivateKeyMaterial

    var headerValue: String { Data(try! certificate.serializeAsPEM().derBytes).base64EncodedString() }
    var serial: String { certificate.ledgerSerial }
}

/// A temporary cluster: P-256 CA in `<dir>/pki`, the kubeadm policy from the repository, a real SQLite store.
final class TestCluster: @unchecked Sendable {
    let directory: URL
    let tree: TreeContext
    let authority: CertificateAuthority
    let caPEM: Data
    let store: SQLiteStateStore
    let clock: NIOLockedValueBox<Date>

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func policy(_ name: String = "kubeadm") throws -> PKIPolicy {
        try PKIPolicy(contentsOf: repositoryRoot.appendingPathComponent("policies/\(name).yaml"))
    }

    init(policy: PKIPolicy? = nil, now: Date = Date()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("clusterpki-server-\(UUID().uuidString)")
        let pki = directory.appendingPathComponent("pki")
        try FileManager.default.createDirectory(at: pki, withIntermediateDirectories: true)
        var settings = ClusterSettings(kubernetesDir: directory)
        settings.nodeName = "cp-1"
        settings.advertiseAddress = "192.0.2.10"
        settings.encryptionAlgorithm = .ecdsaP256
        tree = TreeContext(policy: try policy ?? Self.policy(), settings: settings, now: now)
        authority = try Self.makeCA(commonName: "kubernetes", now: now)
        caPEM = Data(try PEMCertificates.encode([authority.certificate]).utf8)
        try caPEM.write(to: pki.appendingPathComponent("ca.crt"))
        try Data(try authority.key!.pemString().utf8).write(to: pki.appendingPathComponent("ca.key"))
        store = try SQLiteStateStore(path: directory.appendingPathComponent("state.db").path, storeKey: .random())
        clock = NIOLockedValueBox(now)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    static func makeCA(commonName: String, now: Date) throws -> CertificateAuthority {
        try CertificateAuthority.selfSigned(
            name: "ca", commonName: commonName, key: .p256(P256.Signing.PrivateKey()),
            keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true),
            notBefore: now - 300, notAfter: now + 10 * 365 * 86400)
    }

    var now: Date { clock.withLockedValue { $0 } }
    func advance(_ seconds: TimeInterval) { clock.withLockedValue { $0 += seconds } }

    func environment(peer: any ConnectionPeer = HeaderPeer()) -> ServerEnvironment {
        let clock = self.clock
        return ServerEnvironment(
            store: store, tree: tree, authority: authority, caPEM: caPEM, advertiseURL: "https://192.0.2.10:9443", peer: peer,
            metrics: ServerMetrics(), now: { clock.withLockedValue { $0 } })
    }

    func application(_ environment: ServerEnvironment? = nil) -> some ApplicationProtocol {
        Application(router: ClusterPKIServer.router(environment: environment ?? self.environment()).router)
    }

    /// A client certificate from `issuer` (default: the cluster CA).
    func credential(
        commonName: String, organizations: [String] = [], issuer: CertificateAuthority? = nil, notAfter: Date? = nil,
        record: Bool = true
    ) async throws -> TestCredential {
        let key = PrivateKeyMaterial.p256(P256.Signing.PrivateKey())
        let request = IssuanceRequest(
            commonName: commonName, organizations: organizations, keyUsage: KeyUsage(digitalSignature: true),
            extendedKeyUsages: [.clientAuth], notBefore: now - 300, notAfter: notAfter ?? now + 86400)
        let certificate = try (issuer ?? authority).sign(request, publicKey: key.publicKey)
        if record && issuer == nil {
            try await store.recordCredential(
                try IssuedCredential(
                    serial: certificate.ledgerSerial, commonName: commonName, organizations: organizations,
                    notAfter: certificate.notValidAfter, created: now, actor: "test"))
        }
        return TestCredential(certificate: certificate, key: key)
    }

    func admin() async throws -> TestCredential {
        try await credential(commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"])
    }

    /// A bootstrap token with kubeadm's defaults.
    func token(
        _ value: String = "abcdef.0123456789abcdef", groups: [String] = BootstrapToken.defaultGroups, ttl: TimeInterval = 3600,
        maxUses: Int? = nil, usages: [TokenUsage] = TokenUsage.defaults
    ) async throws -> BootstrapToken {
        try await store.createToken(
            TokenRequest(token: try BootstrapTokenString(parsing: value), ttl: ttl, usages: usages, groups: groups, maxUses: maxUses),
            actor: "test", now: now)
    }
}

/// Builds a PKCS#10 request as the kubelet does (P-256 key, subject O then CN, optional SANs).
enum TestCSR {
    static func pem(commonName: String, organizations: [String], dnsNames: [String] = [], ipAddresses: [String] = []) throws -> String {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName.kubernetes(commonName: commonName, organizations: organizations)
        var attributes = CertificateSigningRequest.Attributes()
        if !dnsNames.isEmpty || !ipAddresses.isEmpty {
            let names: [GeneralName] = dnsNames.map { .dnsName($0) }
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
    static func body(
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

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
    var text: String { String(buffer: body) }
}

/// Headers for a bearer token, a client certificate and/or a remote address.
func headers(token: String? = nil, credential: TestCredential? = nil, address: String? = nil, contentType: Bool = false) -> HTTPFields {
    var fields = HTTPFields()
    if let token { fields[.authorization] = "Bearer \(token)" }
    if let credential { fields[HeaderPeer.certificateHeader] = credential.headerValue }
    if let address { fields[HeaderPeer.addressHeader] = address }
    if contentType { fields[.contentType] = "application/json" }
    return fields
}

/// Serves `environment` over `tls` on a free 127.0.0.1 port while `body` runs with that port, then shuts it down.
func withLiveServer(
    environment: ServerEnvironment, tls: ServingTLS, logger: Logger, _ body: (Int) async throws -> Void
) async throws {
    let port = NIOLockedValueBox<Int?>(nil)
    let app = try ClusterPKIServer.application(
        environment: environment, tls: tls, host: "127.0.0.1", port: 0, logger: logger,
        onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port } })
    let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var bound: Int?
        for _ in 0..<100 {
            bound = port.withLockedValue { $0 }
            if bound != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await body(try #require(bound))
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
