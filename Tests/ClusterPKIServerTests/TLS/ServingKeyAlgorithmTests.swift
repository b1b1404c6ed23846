import ClusterPKICore
import ClusterPKITesting
import Crypto
import Foundation
import Logging
import Testing

@testable import ClusterPKIServer

/// The serving key follows the cluster: its configured algorithm, else its CA key's, else the policy's.
@Suite struct ServingKeyAlgorithmTests {
    @Test func followsTheConfigThenTheCAThenThePolicy() throws {
        let cluster = try TestCluster()
        var tree = cluster.tree
        #expect(tree.policy.keyAlgorithm == .rsa2048, "the fixture's policy default (kubeadm)")
        #expect(ServingCertificate.keyAlgorithm(tree: tree, authority: cluster.authority) == .ecdsaP256, "the CA's key")
        tree.settings.encryptionAlgorithm = .ecdsaP384
        #expect(ServingCertificate.keyAlgorithm(tree: tree, authority: cluster.authority) == .ecdsaP384, "the config")
        tree.settings.encryptionAlgorithm = nil
        let external = CertificateAuthority(name: "ca", certificate: cluster.authority.certificate, key: nil)
        #expect(ServingCertificate.keyAlgorithm(tree: tree, authority: external) == .rsa2048, "no CA key: the policy")
    }

    @Test func anECDSAClusterGetsAnECDSAServingKey() async throws {
        let cluster = try TestCluster()
        let serving = ServingCertificate(
            tree: cluster.tree, authority: cluster.authority,
            subjectAltNames: ServingCertificate.subjectAltNames(
                listenHost: "127.0.0.1", nodeName: "cp-1", advertiseHost: nil, extras: []))
        let material = try await serving.ensure(now: Date(), logger: Logger(label: "test"))
        #expect(material.keyPEM.hasPrefix("-----BEGIN EC PRIVATE KEY-----"))
    }
}
