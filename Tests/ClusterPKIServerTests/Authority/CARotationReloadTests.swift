import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import ServiceLifecycle
import Testing
import X509

/// `clusterpki serve` follows a CA rotation made by another process: real files in a temp dir, an injected clock.
@Suite(.serialized) struct CARotationReloadTests {
    static let csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
    static let token = "abcdef.0123456789abcdef"

    static func write(_ text: String, to relative: String, in cluster: TestCluster, mode: UInt32 = 0o644) throws {
        var transaction = FileTransaction()
        transaction.write(text, to: relative, mode: mode)
        try transaction.commit(in: cluster.tree.directory.root)
    }

    static func clientCertificate(_ document: KubeconfigDocument) throws -> Certificate {
        let pem = try #require(try document.pem(.clientCertificateData))
        return try #require(try PEMCertificates.parse(pem, path: "kubeconfig").first)
    }

    /// The CA bundle and signature check of a cluster-info response.
    static func clusterInfo(_ response: TestResponse) throws -> (ca: [Certificate], caData: String, signed: Bool) {
        let data = try #require(response.json["data"] as? [String: String])
        let kubeconfig = try #require(data["kubeconfig"])
        let line = try #require(kubeconfig.split(separator: "\n").first { $0.contains("certificate-authority-data:") })
        let caData = String(line.split(separator: " ").last ?? "")
        let pem = String(decoding: try #require(Data(base64Encoded: caData)), as: UTF8.self)
        let signature = try #require(data["jws-kubeconfig-abcdef"])
        let signed = DetachedJWS.isValid(
            signature, content: kubeconfig, tokenID: "abcdef", tokenSecret: "0123456789abcdef")
        return (try PEMCertificates.parse(pem, path: "cluster-info"), caData, signed)
    }

    @Test func watcherReReadsTheFilesOnlyWhenTheyChangedAndAtMostOncePerInterval() async throws {
        let cluster = try TestCluster()
        let clock = cluster.clock
        let watcher = try ClusterCAWatcher(tree: cluster.tree, interval: 1, now: { clock.withLockedValue { $0 } })
        let old = cluster.authority.certificate
        let first = watcher.current()
        #expect(first.generation == 0 && first.bundle == [old] && first.bundlePEM == cluster.caPEM)
        #expect(first.signing.certificate == old)

        let next = try TestCluster.makeCA(commonName: "kubernetes", now: cluster.now)
        try Self.write(try PEMCertificates.encode([old, next.certificate]), to: "ca.crt", in: cluster)
        #expect(watcher.current().bundle == [old], "within the interval the files are not even looked at")
        cluster.advance(1)
        let prepared = watcher.current()
        #expect(prepared.bundle == [old, next.certificate] && prepared.generation == 1)
        #expect(prepared.signing.certificate == old, "the first certificate of ca.crt signs")
        #expect(prepared.bundlePEM == (try Data(contentsOf: cluster.tree.directory.url("ca", "crt"))))

        // A switch caught between its two renames: ca.crt starts with the next CA, ca.key is still the old key.
        try Self.write(try PEMCertificates.encode([next.certificate, old]), to: "ca.crt", in: cluster)
        cluster.advance(1)
        #expect(
            watcher.current().generation == 1 && watcher.current().signing.certificate == old,
            "a mismatched pair keeps the previous CA")
        try Self.write(try next.key!.pemString(), to: "ca.key", in: cluster, mode: 0o600)
        #expect(watcher.current(refresh: true).signing.certificate == next.certificate, "refresh ignores the interval")
        let switched = watcher.current()
        #expect(switched.generation == 2 && switched.signing.key?.publicKey == next.certificate.publicKey)

        // Rewritten with the same bytes (new inode): the generation does not move.
        try Self.write(try PEMCertificates.encode([next.certificate, old]), to: "ca.crt", in: cluster)
        cluster.advance(1)
        #expect(watcher.current().generation == 2)

        let fromOld = try await cluster.credential(commonName: "a", record: false)
        let fromNext = try await cluster.credential(commonName: "b", issuer: next)
        let other = try TestCluster.makeCA(commonName: "kubernetes", now: cluster.now)
        let fromOther = try await cluster.credential(commonName: "c", issuer: other)
        #expect(switched.trusts(fromOld.certificate) && switched.trusts(fromNext.certificate))
        #expect(!switched.trusts(fromOther.certificate))
    }

    /// The cached ConfigMap never outlives a change of `ca.crt`, even within its one-second lifetime.
    @Test func clusterInfoIsRenderedAndSignedAgainAsSoonAsTheBundleChanges() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        let next = try TestCluster.makeCA(commonName: "kubernetes", now: cluster.now)
        let bundle = Data(try PEMCertificates.encode([cluster.authority.certificate, next.certificate]).utf8)
        let current = NIOLockedValueBox(cluster.caPEM)
        let publisher = ClusterInfoPublisher(
            caPEM: { current.withLockedValue { $0 } }, server: "https://192.0.2.10:9443", tokens: cluster.store,
            created: cluster.now, maxAge: 60)
        func decode(_ body: Data) throws -> (kubeconfig: String, signature: String, version: String) {
            let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            let data = try #require(object["data"] as? [String: String])
            let metadata = try #require(object["metadata"] as? [String: Any])
            return (
                try #require(data["kubeconfig"]), try #require(data["jws-kubeconfig-abcdef"]),
                try #require(metadata["resourceVersion"] as? String)
            )
        }
        let first = try decode(try await publisher.body(now: cluster.now))
        #expect(first.kubeconfig.contains(cluster.caPEM.base64EncodedString()))
        current.withLockedValue { $0 = bundle }
        let second = try decode(try await publisher.body(now: cluster.now))  // same instant: the cache is still fresh by age
        #expect(second.kubeconfig.contains(bundle.base64EncodedString()) && second.kubeconfig == publisher.kubeconfig)
        #expect(
            DetachedJWS.isValid(
                second.signature, content: second.kubeconfig, tokenID: "abcdef", tokenSecret: "0123456789abcdef"))
        #expect(
            !DetachedJWS.isValid(
                first.signature, content: second.kubeconfig, tokenID: "abcdef", tokenSecret: "0123456789abcdef"))
        #expect(second.version != first.version, "the resource version moves with the kubeconfig")
    }

    /// prepare, switch and finish run by `CertificateAuthorityRotation` (as `clusterpki ca rotate` does) while the
    /// router built once keeps answering: cluster-info, client-certificate trust, the CSR signer and user kubeconfigs.
    @Test func theRouterFollowsPrepareSwitchAndFinish() async throws {
        let cluster = try TestCluster()
        try await CertsPhase(context: cluster.tree).generate(["all"])
        try await KubeconfigPhase(context: cluster.tree).generate(["admin"])
        _ = try await cluster.token()
        let clock = cluster.clock
        let watcher = try ClusterCAWatcher(tree: cluster.tree, interval: 1, now: { clock.withLockedValue { $0 } })
        let environment = ServerEnvironment(
            store: cluster.store, tree: cluster.tree, authorities: watcher, advertiseURL: "https://192.0.2.10:9443",
            peer: HeaderPeer(),
            now: { clock.withLockedValue { $0 } })
        let rotation = try CertificateAuthorityRotation(
            context: cluster.tree, authority: "ca", store: cluster.store, actor: "test")
        let old = cluster.authority
        let oldAdmin = try await cluster.admin()
        let directory = cluster.tree.directory

        try await cluster.application(environment).test(.router) { client in
            func info() async throws -> (ca: [Certificate], caData: String, signed: Bool) {
                try Self.clusterInfo(
                    try await client.execute(
                        uri: "/api/v1/namespaces/kube-public/configmaps/cluster-info", method: .get))
            }
            func secrets(_ credential: TestCredential) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/api/v1/namespaces/kube-system/secrets", method: .get,
                    headers: headers(credential: credential)
                ).status
            }
            func csr(_ name: String, credential: TestCredential? = nil) async throws -> Certificate {
                let pem = try TestCSR.pem(commonName: "system:node:worker-1", organizations: ["system:nodes"])
                let response = try await client.execute(
                    uri: Self.csrs, method: .post,
                    headers: credential.map { headers(credential: $0, contentType: true) }
                        ?? headers(token: Self.token, contentType: true),
                    body: try TestCSR.body(name: name, pem: pem))
                #expect(response.status == .created)
                return try #require(try CSRRouteTests.certificate(response.json))
            }
            func mint() async throws -> (certificate: Certificate, ca: [Certificate]) {
                let response = try await client.execute(
                    uri: "/apis/clusterpki.io/v1alpha1/userkubeconfigs", method: .post,
                    headers: headers(credential: oldAdmin, contentType: true),
                    body: ByteBuffer(string: #"{"metadata":{"name":"jane"},"spec":{"groups":["dev"],"validity":"1h"}}"#)
                )
                #expect(response.status == .created)
                let kubeconfig = try #require((response.json["status"] as? [String: Any])?["kubeconfig"] as? String)
                let document = try KubeconfigDocument(text: kubeconfig, path: "jane")
                let caData = try #require(try document.pem(.certificateAuthorityData))
                return (try Self.clientCertificate(document), try PEMCertificates.parse(caData, path: "jane"))
            }

            let before = try await info()
            #expect(before.ca == [old.certificate] && before.signed)
            #expect(old.issued(try await csr("node-csr-1")))

            // prepare: the bundle is old + next; the old key still signs; a next-CA client certificate is accepted.
            _ = try await rotation.run(.prepare)
            let nextCertificate = try #require(try directory.readCertificates("ca.next")?.first)
            let next = CertificateAuthority(
                name: "ca", certificate: nextCertificate, key: try directory.readKey("ca.next"))
            let nextAdmin = try await cluster.credential(
                commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], issuer: next)
            #expect(
                try await secrets(nextAdmin) == .unauthorized, "not trusted before the server looked at the files again"
            )
            cluster.advance(1)
            let prepared = try await info()
            #expect(prepared.ca == [old.certificate, nextCertificate], "cluster-info serves the bundle")
            #expect(
                prepared.caData == (try Data(contentsOf: directory.url("ca", "crt"))).base64EncodedString(),
                "byte for byte ca.crt")
            #expect(prepared.signed, "and is signed again for the token")
            #expect(try await secrets(nextAdmin) == .ok)
            #expect(try await secrets(oldAdmin) == .ok)
            #expect(old.issued(try await csr("node-csr-2")), "the old key signs until switch")

            // switch: the next CA signs CSRs and user credentials; both CAs' client certificates are accepted.
            _ = try await rotation.run(.switch)
            cluster.advance(3)  // past finish's allowance for a signer that has not looked at the files yet
            #expect(next.issued(try await csr("node-csr-3")))
            let minted = try await mint()
            #expect(next.issued(minted.certificate) && minted.ca == [nextCertificate, old.certificate])
            let switched = try await info()
            #expect(switched.ca == [nextCertificate, old.certificate] && switched.signed)
            #expect(try await secrets(oldAdmin) == .ok)
            #expect(try await secrets(nextAdmin) == .ok)

            // finish: only the next CA is trusted; an old-CA client certificate is refused.
            _ = try await rotation.run(.finish)
            cluster.advance(1)
            let finished = try await info()
            #expect(finished.ca == [nextCertificate] && finished.signed)
            #expect(try await secrets(oldAdmin) == .unauthorized)
            #expect(try await secrets(nextAdmin) == .ok)
            let adminConf = try #require(
                try KubeconfigDocument.load(cluster.tree.settings.kubernetesDir.appendingPathComponent("admin.conf")))
            let renewedAdmin = TestCredential(
                certificate: try Self.clientCertificate(adminConf),
                key: try PrivateKeyMaterial(
                    pemEncoded: try #require(try adminConf.pem(.clientKeyData)), path: "admin.conf"))
            #expect(try await secrets(renewedAdmin) == .ok, "admin.conf re-issued by switch works after finish")
        }
    }

    /// The real TLS stack: the handshake trusts the current bundle and the serving certificate re-issued by `switch`
    /// is loaded by ``ClusterCAReloader`` without a restart.
    @Test func liveTLSTrustAndServingCertificateFollowTheRotation() async throws {
        let cluster = try TestCluster()
        try await CertsPhase(context: cluster.tree).generate(["all"])
        let clock = cluster.clock
        let watcher = try ClusterCAWatcher(tree: cluster.tree, interval: 1, now: { clock.withLockedValue { $0 } })
        let logger = Logger(label: "test")
        let serving = ServingCertificate(
            tree: cluster.tree, authorities: watcher,
            subjectAltNames: ServingCertificate.subjectAltNames(
                listenHost: "127.0.0.1", nodeName: "cp-1", advertiseHost: nil, extras: ["localhost"]))
        let tls = try ServingTLS(material: try await serving.ensure(now: Date(), logger: logger), authorities: watcher)
        let reloader = ClusterCAReloader(
            authorities: watcher, serving: serving, tls: tls, logger: logger, now: { clock.withLockedValue { $0 } })
        let environment = ServerEnvironment(
            store: cluster.store, tree: cluster.tree, authorities: watcher, advertiseURL: "https://127.0.0.1",
            peer: TLSConnectionPeer(),
            now: { clock.withLockedValue { $0 } })
        let rotation = try CertificateAuthorityRotation(
            context: cluster.tree, authority: "ca", store: cluster.store, actor: "test")
        let oldAdmin = try await cluster.admin()
        try await withLiveServer(environment: environment, tls: tls, logger: logger) { serverPort in
            /// The status of GET secrets with `credential`, trusting `roots` for the server; nil when TLS fails.
            func secrets(_ credential: TestCredential, roots: [Certificate]) async -> HTTPResponse.Status? {
                do {
                    var configuration = TLSConfiguration.makeClientConfiguration()
                    configuration.trustRoots = .certificates(
                        try roots.map {
                            try NIOSSLCertificate(bytes: Array($0.serializeAsPEM().pemString.utf8), format: .pem)
                        })
                    configuration.certificateChain = [
                        .certificate(
                            try NIOSSLCertificate(
                                bytes: Array(try credential.certificate.serializeAsPEM().pemString.utf8), format: .pem))
                    ]
                    configuration.privateKey = .privateKey(
                        try NIOSSLPrivateKey(bytes: Array(try credential.key.pemString().utf8), format: .pem))
                    let client = TestClient(
                        host: "127.0.0.1", port: serverPort,
                        configuration: .init(
                            tlsConfiguration: configuration, timeout: .seconds(5), serverName: "localhost"))
                    client.connect()
                    defer { Task { try? await client.shutdown() } }
                    return try await client.get("/api/v1/namespaces/kube-system/secrets").status
                } catch {
                    return nil
                }
            }
            let old = cluster.authority.certificate
            #expect(await secrets(oldAdmin, roots: [old]) == .ok)

            _ = try await rotation.run(.prepare)
            let nextCertificate = try #require(try cluster.tree.directory.readCertificates("ca.next")?.first)
            let next = CertificateAuthority(
                name: "ca", certificate: nextCertificate, key: try cluster.tree.directory.readKey("ca.next"))
            let nextAdmin = try await cluster.credential(
                commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], issuer: next)
            #expect(
                await secrets(nextAdmin, roots: [old]) == nil,
                "the handshake refuses a next-CA client certificate before the server looked")
            cluster.advance(1)
            #expect(await reloader.check() == false, "prepare does not change the serving certificate")
            #expect(
                await secrets(nextAdmin, roots: [old]) == .ok, "during the overlap the handshake accepts the next CA")

            _ = try await rotation.run(.switch)
            #expect(await secrets(oldAdmin, roots: [nextCertificate]) == nil, "still the old serving certificate")
            cluster.advance(1)
            #expect(await reloader.check() == true, "the serving certificate re-issued by switch is swapped in")
            #expect(await secrets(oldAdmin, roots: [nextCertificate]) == .ok, "served by the next CA now")
            let onDisk = try #require(try cluster.tree.directory.readCertificates(ServingCertificate.baseName)?.first)
            let onDiskPEM = try PEMCertificates.encode([onDisk])
            #expect(next.issued(onDisk) && tls.certificatePEM == onDiskPEM)

            _ = try await rotation.run(.finish)
            cluster.advance(1)
            _ = await reloader.check()
            #expect(
                await secrets(oldAdmin, roots: [nextCertificate]) == nil,
                "after finish the old CA's client certificate fails the handshake")
            #expect(await secrets(nextAdmin, roots: [nextCertificate]) == .ok)
        }
    }
}
