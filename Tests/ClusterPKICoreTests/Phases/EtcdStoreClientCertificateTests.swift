import ClusterPKITesting
import Foundation
import Testing
import X509

@testable import ClusterPKICore

/// `clusterpki-etcd-client`: clusterpki's own client of a stacked etcd that holds its state store.
@Suite struct EtcdStoreClientCertificateTests {
    static func context(etcdStore: Bool, tree: TemporaryTree) -> TreeContext {
        var context = tree.context
        context.settings.stateStoreOnEtcd = etcdStore
        return context
    }

    @Test(arguments: ["kubeadm", "hardened"])
    func issuedByTheEtcdCAForClientAuthWhenTheStoreIsEtcd(_ policyName: String) async throws {
        let tree = try TemporaryTree()
        var context = Self.context(etcdStore: true, tree: tree)
        context.policy = try TestSupport.policy(policyName)
        let lines = try await CertsPhase(context: context).generate(["all"])
        #expect(lines.contains("[certs] Generating \"clusterpki-etcd-client\" certificate and key"))
        let certificate = try #require(try context.directory.readCertificates("clusterpki-etcd-client")?.first)
        #expect(certificate.subject.kubernetesIdentity.commonName == "clusterpki-etcd-client")
        #expect(certificate.subject.kubernetesIdentity.organizations.isEmpty)
        let usages = try #require(try certificate.extensions.extendedKeyUsage)
        #expect(Array(usages) == [.clientAuth])
        let etcdCA = try #require(context.policy.authority(named: "etcd-ca"))
        #expect(try #require(try context.directory.loadAuthority(etcdCA)).issued(certificate))
        #expect(try TestSupport.mode(context.directory.url("clusterpki-etcd-client", "key")) == 0o600)
    }

    @Test func notIssuedForSQLiteNorWithExternalEtcd() async throws {
        let sqlite = try TemporaryTree()
        let plain = Self.context(etcdStore: false, tree: sqlite)
        _ = try await CertsPhase(context: plain).generate(["all"])
        #expect(!plain.directory.exists("clusterpki-etcd-client", "crt"))
        await #expect { try await CertsPhase(context: plain).generate(["clusterpki-etcd-client"]) } throws: { error in
            "\(error)".contains("only used when the state store is etcd") && "\(error)".contains("--store etcd://")
        }

        let external = try TemporaryTree()
        var context = Self.context(etcdStore: true, tree: external)
        context.settings.externalEtcd = ExternalEtcd()
        _ = try await CertsPhase(context: context).generate(["all"])
        #expect(!context.directory.exists("clusterpki-etcd-client", "crt"))
    }

    /// Renewal, check-expiration and rotation list it while its file exists, whichever flags they were given.
    @Test func listedForRenewalWhileItExists() async throws {
        let tree = try TemporaryTree()
        let issuing = Self.context(etcdStore: true, tree: tree)
        let plain = Self.context(etcdStore: false, tree: tree)
        #expect(!plain.fileCredentials.map(\.name).contains("clusterpki-etcd-client"))
        _ = try await CertsPhase(context: issuing).generate(["all"])
        #expect(plain.fileCredentials.map(\.name).contains("clusterpki-etcd-client"))
        let credential = try #require(plain.fileCredentials.first { $0.name == "clusterpki-etcd-client" })
        #expect(credential.authorityName == "etcd-ca")
    }
}
