import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKISQLiteStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
import X509

@testable import ClusterPKILifecycle

/// Phased CA rotation: prepare, switch, finish, each safe to re-run.
@Suite struct CertificateAuthorityRotationTests {
    @Test func prepareMakesTheBundleOldPlusNewKeepsSigningWithTheOldKeyAndIsSafeToRepeat() async throws {
        let (cluster, store, rotation) = try await TestCluster.rotatingCA(kubeconfigs: ["all"])
        let directory = cluster.context.directory
        let old = try #require(try directory.readCertificates("ca")?.first)
        let oldKey = try cluster.read("pki/ca.key")

        let lines = try await rotation.run(.prepare)
        let bundle = try #require(try directory.readCertificates("ca"))
        let next = try #require(try directory.readCertificates("ca.next")?.first)
        #expect(bundle == [old, next])
        #expect(next != old && next.subject == old.subject)
        #expect(try cluster.read("pki/ca.key") == oldKey)
        #expect(try directory.readKey("ca.next")?.publicKey == next.publicKey)
        let caProfile = try #require(cluster.policy.authority(named: "ca"))
        let authority = try #require(try directory.loadAuthority(caProfile))
        #expect(authority.certificate == old)  // the old key keeps signing until switch
        for file in ["admin.conf", "kubelet.conf", "scheduler.conf"] {
            let document = try #require(try KubeconfigDocument.load(cluster.url(file)))
            let caData = try #require(try document.pem(.certificateAuthorityData))
            #expect(try PEMCertificates.parse(caData, path: file) == [old, next], "\(file)")
        }
        #expect(try await store.rotationPhase("ca")?.phase == "prepared")
        #expect(lines.last?.contains(try DiscoveryHash(of: next).description) == true)

        // Re-running (e.g. after a crash) keeps the same next CA and changes no file.
        let files = try ["pki/ca.crt", "pki/ca.next.crt", "pki/ca.next.key", "admin.conf"].map { try cluster.read($0) }
        _ = try await rotation.run(.prepare)
        #expect(
            try ["pki/ca.crt", "pki/ca.next.crt", "pki/ca.next.key", "admin.conf"].map { try cluster.read($0) } == files
        )

        // Leaves renewed during the overlap are still signed by the old CA, which every bundle trusts.
        _ = try await Renewer(context: cluster.context, credentials: cluster.context.fileCredentials).renew([
            "apiserver"
        ])
        let apiserver = try #require(try directory.readCertificates("apiserver")?.first)
        #expect(CertificateAuthority(name: "ca", certificate: old, key: nil).issued(apiserver))
        let status = try await CertificateAuthorityRotation.status(context: cluster.context, store: store)
        #expect(status.first { $0.name == "ca" }?.bundle == 2 && status.first { $0.name == "etcd-ca" }?.bundle == 1)
    }

    @Test func aCrashAfterThePKIFilesIsCompletedByTheReRunAndUnknownPhasesAreRefused() async throws {
        let (cluster, store, rotation) = try await TestCluster.rotatingCA(kubeconfigs: ["admin"])
        _ = try await rotation.run(.prepare)
        // Simulate a crash after the pki commit: admin.conf still has the old CA only, the phase is not recorded.
        let old = try #require(try cluster.context.directory.readCertificates("ca")?.first)
        let document = try #require(try KubeconfigDocument.load(cluster.url("admin.conf")))
        try document.replacing([
            .certificateAuthorityData: Data(try PEMCertificates.encode([old]).utf8).base64EncodedString()
        ])
        .write(to: cluster.url("admin.conf"), atomically: true, encoding: .utf8)
        let fresh = try SQLiteStateStore(
            path: cluster.root.appendingPathComponent("other.db").path, storeKey: .random())
        _ = try await CertificateAuthorityRotation(
            context: cluster.context, authority: "ca", store: fresh, actor: "root"
        ).run(.prepare)
        let repaired = try #require(try KubeconfigDocument.load(cluster.url("admin.conf")))
        let repairedData = try #require(try repaired.pem(.certificateAuthorityData))
        #expect(try PEMCertificates.parse(repairedData, path: "").count == 2)
        #expect(try await fresh.rotationPhase("ca")?.phase == "prepared")

        await #expect(throws: RotationError.notSwitched(name: "ca")) { try await rotation.run(.finish) }
        #expect(throws: RotationError.self) {
            try CertificateAuthorityRotation(context: cluster.context, authority: "sa", store: store, actor: "r")
        }
    }

    @Test func switchSignsWithTheNextCAReissuesItsLeavesAndIsSafeToRepeat() async throws {
        let (cluster, store, rotation) = try await TestCluster.rotatingCA(kubeconfigs: ["all"])
        let directory = cluster.context.directory
        await #expect(throws: RotationError.notPrepared(name: "ca")) { try await rotation.run(.switch) }
        let old = try #require(try directory.readCertificates("ca")?.first)
        let frontProxyClient = try cluster.read("pki/front-proxy-client.crt")
        _ = try await rotation.run(.prepare)
        let next = try #require(try directory.readCertificates("ca.next")?.first)

        let lines = try await rotation.run(.switch)
        #expect(try directory.readCertificates("ca") == [next, old])
        #expect(try directory.readKey("ca")?.publicKey == next.publicKey)
        let nextCA = CertificateAuthority(name: "ca", certificate: next, key: nil)
        for base in ["apiserver", "apiserver-kubelet-client"] {
            let leaf = try #require(try directory.readCertificates(base)?.first)
            #expect(nextCA.issued(leaf), "\(base)")
            #expect(try directory.readKey(base)?.publicKey == leaf.publicKey, "\(base)")
        }
        for file in ["admin.conf", "super-admin.conf", "controller-manager.conf", "scheduler.conf"] {
            let document = try #require(try KubeconfigDocument.load(cluster.url(file)))
            #expect(nextCA.issued(try document.clientCertificate()), "\(file)")
            let caData = try #require(try document.pem(.certificateAuthorityData))
            #expect(try PEMCertificates.parse(caData, path: file) == [next, old], "\(file)")
        }
        #expect(try cluster.read("pki/front-proxy-client.crt") == frontProxyClient)  // another CA's leaf
        #expect(try await store.rotationPhase("ca")?.phase == "switched")
        #expect(lines.contains { $0.contains("apiserver re-issued") })
        let ledgerSerials = Set(try await store.credentials().map(\.serial))
        let admin = try #require(try KubeconfigDocument.load(cluster.url("admin.conf")))
        #expect(ledgerSerials.contains(try admin.clientCertificate().serialHex))

        // A re-run (e.g. after a crash) re-issues nothing and changes no file.
        let files = try ["pki/ca.crt", "pki/ca.key", "pki/apiserver.crt", "admin.conf"].map { try cluster.read($0) }
        let again = try await rotation.run(.switch)
        #expect(again.first?.contains("signs already") == true)
        #expect(
            try ["pki/ca.crt", "pki/ca.key", "pki/apiserver.crt", "admin.conf"].map { try cluster.read($0) } == files)
    }

    @Test func finishRefusesWhileALeafChainsOnlyToTheOldCAThenDropsIt() async throws {
        let (cluster, store, rotation) = try await TestCluster.rotatingCA(kubeconfigs: ["all"])
        let directory = cluster.context.directory
        let staleKubeletConf = try cluster.read("kubelet.conf")  // its client certificate signed by the old CA
        _ = try await rotation.run(.prepare)
        let next = try #require(try directory.readCertificates("ca.next")?.first)
        _ = try await rotation.run(.switch)
        // A client certificate that still chains only to the old CA (here kubelet.conf as it was before the switch, which
        // re-issued it): finish must wait for it.
        try staleKubeletConf.write(to: cluster.url("kubelet.conf"), atomically: true, encoding: .utf8)
        await #expect(throws: RotationError.finishRefused(name: "ca", leaves: ["kubelet.conf"])) {
            try await rotation.run(.finish)
        }
        #expect(try directory.readCertificates("ca")?.count == 2)
        try FileManager.default.removeItem(at: cluster.url("kubelet.conf"))

        _ = try await rotation.run(.finish)
        #expect(try directory.readCertificates("ca") == [next])
        #expect(!directory.exists("ca.next", "crt") && !directory.exists("ca.next", "key"))
        let admin = try #require(try KubeconfigDocument.load(cluster.url("admin.conf")))
        let caData = try #require(try admin.pem(.certificateAuthorityData))
        #expect(try PEMCertificates.parse(caData, path: "") == [next])
        #expect(try await store.rotationPhase("ca")?.phase == "finished")
        let files = try ["pki/ca.crt", "pki/ca.key", "admin.conf"].map { try cluster.read($0) }
        let again = try await rotation.run(.finish)
        #expect(again.first?.contains("already dropped") == true)
        #expect(try ["pki/ca.crt", "pki/ca.key", "admin.conf"].map { try cluster.read($0) } == files)
    }

    /// A node credential from before the switch: finish waits until the node renewed (after the signer's lag) or its
    /// credential is revoked, and says so.
    @Test func finishWaitsForNodesHoldingOnlyCredentialsIssuedBeforeTheSwitch() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["all"])
        try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        let store = try cluster.ledger()
        let start = Date()
        func record(_ name: String, created: Date) async throws -> String {
            let serial = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await store.recordCredential(
                try IssuedCredential(
                    serial: serial, commonName: name, organizations: ["system:nodes"], notAfter: created + 365 * 86400,
                    created: created, actor: "test"))
            return try IssuedCredential.normalizeSerial(serial)
        }
        let worker1 = try await record("system:node:worker-1", created: start - 60)
        let worker2 = try await record("system:node:worker-2", created: start - 60)
        _ = try await record("system:node:expired", created: start - 400 * 86400)  // no longer live: ignored
        var context = cluster.context
        context.now = start
        let rotation = try CertificateAuthorityRotation(context: context, authority: "ca", store: store, actor: "root")
        _ = try await rotation.run(.prepare)
        _ = try await rotation.run(.switch)
        #expect(try await store.rotationPhase("ca")?.detail.contains("since=") == true)

        let both: [RotationError.NodeCredential] = [
            .init(commonName: "system:node:worker-1", serials: [worker1]),
            .init(commonName: "system:node:worker-2", serials: [worker2]),
        ]
        await #expect(throws: RotationError.finishWaitsForNodes(nodes: both)) { try await rotation.run(.finish) }
        #expect(RotationError.finishWaitsForNodes(nodes: both).description.contains("clusterpki kubelet renew"))
        #expect(
            RotationError.finishWaitsForNodes(nodes: both).description.contains(
                "clusterpki kubeconfig revoke --client-name"))
        #expect(try cluster.context.directory.readCertificates("ca")?.count == 2)

        // A renewal within the signer's lag may still carry the previous CA's signature: it does not count.
        let early = try await record("system:node:worker-1", created: start + 1)
        await #expect(
            throws: RotationError.finishWaitsForNodes(nodes: [
                .init(commonName: "system:node:worker-1", serials: [worker1, early]), both[1],
            ])
        ) {
            try await rotation.run(.finish)
        }
        _ = try await record("system:node:worker-1", created: start + 10)
        await #expect(throws: RotationError.finishWaitsForNodes(nodes: [both[1]])) { try await rotation.run(.finish) }
        _ = try await store.revokeCredentials(clientName: "system:node:worker-2", actor: "root", now: start + 20)

        _ = try await rotation.run(.finish)
        #expect(try cluster.context.directory.readCertificates("ca")?.count == 1)
        #expect(try await store.rotationPhase("ca")?.phase == "finished")
    }

    /// kubelet.conf pointing at the kubelet's own PEM file (as after its TLS bootstrap) is checked through that file.
    @Test func finishChecksTheClientCertificateFileKubeletConfNames() async throws {
        let (cluster, _, rotation) = try await TestCluster.rotatingCA()
        let directory = cluster.context.directory
        let pemURL = cluster.root.appendingPathComponent("kubelet/pki/kubelet-client-current.pem")
        try FileManager.default.createDirectory(
            at: pemURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        func writeNodeCredential(signedBy authority: CertificateAuthority) throws {
            let key = try PrivateKeyMaterial.generate(.ecdsaP256)
            let certificate = try authority.sign(
                IssuanceRequest(
                    commonName: "system:node:node-1", organizations: ["system:nodes"],
                    keyUsage: KeyUsage(digitalSignature: true),
                    extendedKeyUsages: [.clientAuth], notBefore: Date() - 60, notAfter: Date() + 86400),
                publicKey: key.publicKey)
            try (try PEMCertificates.encode([certificate]) + (try key.pemString())).write(
                to: pemURL, atomically: true, encoding: .utf8)
        }
        let caProfile = try #require(cluster.policy.authority(named: "ca"))
        try writeNodeCredential(signedBy: try #require(try directory.loadAuthority(caProfile)))
        let config = KubeConfig(
            clusterName: "kubernetes", server: "https://10.0.0.10:6443", caPEM: try cluster.caCertificatePEM(),
            userName: "system:node:node-1",
            user: KubeConfig.AuthInfo(clientCertificate: pemURL.path, clientKey: pemURL.path))
        try config.yaml().write(to: cluster.url("kubelet.conf"), atomically: true, encoding: .utf8)

        let oldAuthority = try #require(try directory.loadAuthority(caProfile))
        _ = try await rotation.run(.prepare)
        let switched = try await rotation.run(.switch)
        // On this node (it holds ca.key) switch re-issued the PEM kubelet.conf names, and said so.
        let nextAuthority = try #require(try directory.loadAuthority(caProfile))
        let reissued = try #require(
            try PEMCertificates.parse(try String(contentsOf: pemURL, encoding: .utf8), path: pemURL.path).first)
        #expect(nextAuthority.issued(reissued))
        #expect(switched.contains { $0.contains("kubelet.conf") && $0.contains("needs no `clusterpki kubelet renew`") })
        // A node credential of the old CA (as another node's would be) makes finish wait.
        try writeNodeCredential(signedBy: oldAuthority)
        await #expect(throws: RotationError.finishRefused(name: "ca", leaves: ["kubelet.conf"])) {
            try await rotation.run(.finish)
        }
        #expect(
            RotationError.finishRefused(name: "ca", leaves: ["kubelet.conf"]).description.contains(
                "clusterpki kubelet renew"))
        try writeNodeCredential(signedBy: nextAuthority)  // the next CA signs now
        _ = try await rotation.run(.finish)
        #expect(try directory.readCertificates("ca")?.count == 1)
    }

    /// A scheduled renewal during the overlap (or switch's own re-issue) must not narrow a kubeconfig's bundle.
    @Test func renewingAKubeconfigDuringTheOverlapKeepsItsBundle() async throws {
        let (cluster, _, rotation) = try await TestCluster.rotatingCA(kubeconfigs: ["admin"])
        _ = try await rotation.run(.prepare)
        let bundle = try #require(try cluster.context.directory.readCertificates("ca"))
        let before = try #require(try KubeconfigDocument.load(cluster.url("admin.conf"))).clientCertificate()
        let report = try await Renewer(context: cluster.context, credentials: cluster.context.kubeconfigCredentials)
            .renew(["admin.conf"])
        #expect(report.items.first?.outcome == .renewed)
        let admin = try #require(try KubeconfigDocument.load(cluster.url("admin.conf")))
        #expect(try admin.clientCertificate() != before)
        #expect(try PEMCertificates.parse(try #require(try admin.pem(.certificateAuthorityData)), path: "") == bundle)
    }
}

@Suite struct CertificateAuthorityRotationKeyTypeTests {
    @Test func withoutAnAlgorithmTheNextCAAndTheReissuedLeavesKeepTheCurrentCAKeyType() async throws {
        let cluster = try TestCluster.empty()
        cluster.settings.encryptionAlgorithm = .ecdsaP384
        try await cluster.makeCertificates(["all"])
        cluster.settings.encryptionAlgorithm = nil  // as `ca rotate` without --config / --encryption-algorithm
        #expect(cluster.context.keyAlgorithm == .rsa2048, "the policy's default differs from the tree's key type")
        let rotation = try CertificateAuthorityRotation(
            context: cluster.context, authority: "ca", store: try cluster.ledger(), actor: "root")
        _ = try await rotation.run(.prepare)
        #expect(try cluster.context.directory.readKey("ca.next")?.algorithm == .ecdsaP384)
        _ = try await rotation.run(.switch)
        #expect(try cluster.context.directory.readKey("ca")?.algorithm == .ecdsaP384)
        #expect(try cluster.context.directory.readKey("apiserver")?.algorithm == .ecdsaP384)

        // An explicit algorithm still wins.
        cluster.settings.encryptionAlgorithm = .ecdsaP256
        let explicit = try CertificateAuthorityRotation(
            context: cluster.context, authority: "etcd-ca", store: try cluster.ledger(), actor: "root")
        _ = try await explicit.run(.prepare)
        #expect(try cluster.context.directory.readKey("etcd/ca.next")?.algorithm == .ecdsaP256)
    }
}

extension CertificateAuthorityRotationTests {
    /// One control-plane node, no `clusterpki serve`: switch re-issues the node's own kubelet.conf from the local CA key
    /// (recorded in the ledger), so finish does not wait for a `kubelet renew` that nothing could serve.
    @Test func aSingleControlPlaneNodeFinishesWithoutServe() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["all"])
        let store = try cluster.ledger()
        let start = Date()
        var context = cluster.context
        context.now = start
        try await KubeconfigPhase(context: context).generate(
            ["all"], recorder: { LedgerRecorder(ledger: store, actor: "init", now: start - 60) })
        let before = try #require(try KubeconfigDocument.load(cluster.url("kubelet.conf"))).clientCertificate()
        #expect(
            try await store.credentials().contains {
                $0.serial == before.serialHex && $0.commonName == "system:node:node-1"
            })
        let rotation = try CertificateAuthorityRotation(context: context, authority: "ca", store: store, actor: "root")
        _ = try await rotation.run(.prepare)
        let next = try #require(try context.directory.readCertificates("ca.next")?.first)

        let lines = try await rotation.run(.switch)
        let after = try #require(try KubeconfigDocument.load(cluster.url("kubelet.conf"))).clientCertificate()
        #expect(CertificateAuthority(name: "ca", certificate: next, key: nil).issued(after))
        #expect(after.subject.kubernetesIdentity.commonName == "system:node:node-1")
        #expect(lines.contains { $0.contains("this node's own kubelet client certificate (kubelet.conf) re-issued") })
        #expect(try await store.credentials().contains { $0.serial == after.serialHex })

        let finished = try await rotation.run(.finish)
        #expect(try context.directory.readCertificates("ca") == [next])
        #expect(finished.contains { $0.contains("phase finish done") })
    }
}

extension TestCluster {
    /// The whole tree (and the `kubeconfigs`), its ledger, and a rotation of the cluster CA by root, not yet run.
    static func rotatingCA(kubeconfigs: [String] = []) async throws -> (
        TestCluster, SQLiteStateStore, CertificateAuthorityRotation
    ) {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["all"])
        if !kubeconfigs.isEmpty { try await KubeconfigPhase(context: cluster.context).generate(kubeconfigs) }
        let store = try cluster.ledger()
        return (
            cluster, store,
            try CertificateAuthorityRotation(context: cluster.context, authority: "ca", store: store, actor: "root")
        )
    }
}
