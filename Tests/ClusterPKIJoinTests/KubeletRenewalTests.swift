import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import Testing
import X509

@testable import ClusterPKIJoin

/// `clusterpki kubelet renew` on a worker joined (by the real `clusterpki join`) before a CA rotation, against the
/// real TLS endpoint that follows the rotation.
@Suite(.serialized) struct KubeletRenewTests {
    static func pemCertificates(_ url: URL) throws -> [Certificate] {
        try PEMCertificates.parse(try String(contentsOf: url, encoding: .utf8), path: url.path)
    }

    static func kubeletTrust(_ url: URL) throws -> [Certificate] {
        let document = try #require(try KubeconfigDocument.load(url))
        return try PEMCertificates.parse(try #require(try document.pem(.certificateAuthorityData)), path: url.path)
    }

    static func mode(_ url: URL) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! Int
    }

    @Test func aWorkerJoinedBeforeTheRotationRefreshesItsTrustThenItsCertificate() async throws {
        let cluster = try TestCluster()
        try await CertsPhase(context: cluster.tree).generate(["all"])
        _ = try await cluster.token()
        let clock = cluster.clock
        let watcher = try ClusterCAWatcher(tree: cluster.tree, interval: 1, now: { clock.withLockedValue { $0 } })
        let logger = Logger(label: "test")
        let serving = ServingCertificate(
            tree: cluster.tree, authorities: watcher,
            subjectAltNames: ServingCertificate.subjectAltNames(
                listenHost: "127.0.0.1", nodeName: "cp-1", advertiseHost: nil, extras: []))
        let tls = try ServingTLS(material: try await serving.ensure(now: Date(), logger: logger), authorities: watcher)
        let reloader = ClusterCAReloader(
            authorities: watcher, serving: serving, tls: tls, logger: logger, now: { clock.withLockedValue { $0 } })
        let environment = ServerEnvironment(
            store: cluster.store, tree: cluster.tree, authorities: watcher, advertiseURL: "https://127.0.0.1",
            now: { clock.withLockedValue { $0 } })
        let rotation = try CertificateAuthorityRotation(
            context: cluster.tree, authority: "ca", store: cluster.store, actor: "test")
        let directory = cluster.tree.directory
        let worker = cluster.directory.appendingPathComponent("worker-1")
        let etc = worker.appendingPathComponent("etc")
        let kubeletConf = etc.appendingPathComponent("kubelet.conf")
        let pem = worker.appendingPathComponent("kubelet/pki/kubelet-client-current.pem")

        try await withLiveServer(environment: environment, tls: tls, logger: logger) { port in
            let server = "127.0.0.1:\(port)"
            let old = cluster.authority.certificate
            var overrides = SettingsOverrides()
            overrides.nodeName = "worker-1"
            var join = JoinRequest(
                server: server, token: "abcdef.0123456789abcdef",
                caCertHashes: [try DiscoveryHash(of: old).description],
                kubernetesDir: etc, kubeletDir: worker.appendingPathComponent("kubelet"),
                policy: TestSupport.policyURL("kubeadm").path,
                overrides: overrides)
            join.timeout = 20
            try await JoinClient(join).run()
            try FileManager.default.createDirectory(
                at: etc.appendingPathComponent("pki"), withIntermediateDirectories: true)
            try cluster.caPEM.write(to: etc.appendingPathComponent("pki/ca.crt"))  // as kubeadm leaves it on a worker
            let joined = try #require(try Self.pemCertificates(pem).first)
            var request = KubeletRenewRequest(kubernetesDir: etc)
            request.timeout = 20
            let renewal = KubeletRenewal(request)

            let untouched = try await renewal.run(now: cluster.now)
            #expect(untouched == .init(trustUpdated: false, renewed: false, certificatePath: pem.path))

            // prepare: the node learns old + next from cluster-info; its certificate (old CA, which still signs) stays.
            _ = try await rotation.run(.prepare)
            let next = try #require(try directory.readCertificates("ca.next")?.first)
            cluster.advance(1)
            let prepared = try await renewal.run(now: cluster.now)
            #expect(prepared.trustUpdated && !prepared.renewed)
            #expect(try Self.kubeletTrust(kubeletConf) == [old, next])
            #expect(try Self.pemCertificates(etc.appendingPathComponent("pki/ca.crt")) == [old, next])
            #expect(try Self.pemCertificates(pem).first == joined)

            // switch: the serving certificate is the next CA's (the node trusts it already) and the node renews.
            _ = try await rotation.run(.switch)
            cluster.advance(3)
            #expect(await reloader.check())
            let switched = try await renewal.run(now: cluster.now)
            #expect(switched.trustUpdated && switched.renewed)
            #expect(try Self.kubeletTrust(kubeletConf) == [next, old])
            let renewed = try #require(try Self.pemCertificates(pem).first)
            #expect(CertificateAuthority(name: "ca", certificate: next, key: nil).issued(renewed))
            #expect(renewed.subject.kubernetesIdentity.commonName == "system:node:worker-1")
            #expect(try Self.mode(pem) == 0o600)
            let key = try PrivateKeyMaterial(
                pemEncoded: try String(contentsOf: pem, encoding: .utf8).components(
                    separatedBy: "-----END CERTIFICATE-----\n"
                ).last!, path: pem.path)
            #expect(key.publicKey == renewed.publicKey)
            #expect(
                try await renewal.run(now: cluster.now)
                    == .init(trustUpdated: false, renewed: false, certificatePath: pem.path))

            // finish (the ledger shows the node renewed after the switch): trust is only the next CA.
            _ = try await rotation.run(.finish)
            cluster.advance(1)
            let finished = try await renewal.run(now: cluster.now)
            #expect(finished.trustUpdated && !finished.renewed)
            #expect(try Self.kubeletTrust(kubeletConf) == [next])
            #expect(try Self.pemCertificates(pem).first == renewed)

            // A node that missed prepare cannot verify the server any more and is told to join again.
            let stale = cluster.directory.appendingPathComponent("stale")
            try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
            let document = try #require(try KubeconfigDocument.load(kubeletConf))
            try document.replacing([.certificateAuthorityData: cluster.caPEM.base64EncodedString()]).write(
                to: stale.appendingPathComponent("kubelet.conf"), atomically: true, encoding: .utf8)
            var staleRequest = KubeletRenewRequest(kubernetesDir: stale)
            staleRequest.timeout = 2
            await #expect { try await KubeletRenewal(staleRequest).run(now: cluster.now) } throws: { error in
                guard case JoinError.trustRefreshFailed = error else { return false }
                return "\(error)".contains("join it again")
            }
        }
    }

    /// On a control-plane node `pki/ca.crt` is the CA's own file (paired with `ca.key`): a trust refresh updates
    /// kubelet.conf only. On a worker it updates `pki/ca.crt` too.
    @Test func aTrustRefreshLeavesAControlPlaneNodesCAFilesAlone() async throws {
        let cluster = try TestCluster()
        let root = cluster.directory.appendingPathComponent("node")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("pki"), withIntermediateDirectories: true)
        let nodeCredential = try await cluster.credential(
            commonName: "system:node:cp-1", organizations: ["system:nodes"])
        let config = KubeConfig(
            clusterName: "kubernetes", server: "https://127.0.0.1:6443",
            caPEM: String(decoding: cluster.caPEM, as: UTF8.self),
            userName: "system:node:cp-1",
            user: KubeConfig.AuthInfo(
                clientCertificateData: Data(try PEMCertificates.encode([nodeCredential.certificate]).utf8)
                    .base64EncodedString(),
                clientKeyData: Data(try nodeCredential.key.pemString().utf8).base64EncodedString()))
        try config.yaml().write(to: root.appendingPathComponent("kubelet.conf"), atomically: true, encoding: .utf8)
        try cluster.caPEM.write(to: root.appendingPathComponent("pki/ca.crt"))
        try Data(try cluster.authority.key!.pemString().utf8).write(to: root.appendingPathComponent("pki/ca.key"))
        let next = try TestCluster.makeCA(commonName: "kubernetes", now: cluster.now)
        let bundle = try PEMCertificates.encode([cluster.authority.certificate, next.certificate])

        try NodeConfig(url: root.appendingPathComponent("kubelet.conf")).writeTrust(bundle, kubernetesDir: root)
        #expect(
            try Self.kubeletTrust(root.appendingPathComponent("kubelet.conf")) == [
                cluster.authority.certificate, next.certificate,
            ])
        #expect(
            try Data(contentsOf: root.appendingPathComponent("pki/ca.crt")) == cluster.caPEM,
            "the control plane's ca.crt is untouched")

        try FileManager.default.removeItem(at: root.appendingPathComponent("pki/ca.key"))  // a worker
        try NodeConfig(url: root.appendingPathComponent("kubelet.conf")).writeTrust(bundle, kubernetesDir: root)
        #expect(
            try Self.pemCertificates(root.appendingPathComponent("pki/ca.crt")) == [
                cluster.authority.certificate, next.certificate,
            ])
    }
}
