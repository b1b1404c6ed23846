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

extension TestCluster {
    public func environment(peer: any ConnectionPeer = HeaderPeer()) -> ServerEnvironment {
        let clock = self.clock
        return ServerEnvironment(
            store: store, tree: tree, authority: authority, caPEM: caPEM, advertiseURL: "https://192.0.2.10:9443",
            peer: peer,
            metrics: ServerMetrics(), now: { clock.withLockedValue { $0 } })
    }

    public func application(_ environment: ServerEnvironment? = nil) -> some ApplicationProtocol {
        Application(router: ClusterPKIServer.router(environment: environment ?? self.environment()).router)
    }

    /// A client certificate from `issuer` (default: the cluster CA).
    public func credential(
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
                    serial: certificate.serialHex, commonName: commonName, organizations: organizations,
                    notAfter: certificate.notValidAfter, created: now, actor: "test"))
        }
        return TestCredential(certificate: certificate, key: key)
    }

    public func admin() async throws -> TestCredential {
        try await credential(commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"])
    }

    /// A bootstrap token with kubeadm's defaults.
    public func token(
        _ value: String = "abcdef.0123456789abcdef", groups: [String] = BootstrapToken.defaultGroups,
        ttl: TimeInterval = 3600,
        maxUses: Int? = nil, usages: [TokenUsage] = TokenUsage.defaults
    ) async throws -> BootstrapToken {
        try await store.createToken(
            TokenRequest(
                token: try BootstrapTokenString(parsing: value), ttl: ttl, usages: usages, groups: groups,
                maxUses: maxUses),
            actor: "test", now: now)
    }
}
