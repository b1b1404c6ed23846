import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKISQLiteStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
import X509

@testable import ClusterPKILifecycle

/// `clusterpki rotate` with an injected clock: a tree created 400 days before `now`.
@Suite struct RotationJobTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let day: TimeInterval = 86400
    static let leaves = [
        "apiserver", "apiserver-etcd-client", "apiserver-kubelet-client", "etcd-healthcheck-client",
        "etcd-peer", "etcd-server", "front-proxy-client",
    ]
    static let kubeconfigs = ["admin.conf", "controller-manager.conf", "scheduler.conf", "super-admin.conf"]

    /// A full tree (CAs, leaves, kubeconfigs, clusterpki-server) made at `now − 400d`; apiserver renewed at `now − 10d`
    /// (not due) and front-proxy-client at `now − 340d` (25 days left: due).
    static func agedCluster() async throws -> TestCluster {
        let cluster = try TestCluster.empty()
        let created = cluster.context(at: now - 400 * day)
        try await CertsPhase(context: created).generate(["all"])
        try await KubeconfigPhase(context: created).generate(["all"])
        try Self.issueServingCertificate(created)
        for (name, age) in [("apiserver", 10.0), ("front-proxy-client", 340.0)] {
            let then = cluster.context(at: now - age * day)
            _ = try await Renewer(context: then, credentials: then.fileCredentials).renew([name])
        }
        return cluster
    }

    static func issueServingCertificate(_ context: TreeContext) throws {
        let profile = try #require(context.policy.authority(named: "ca"))
        let authority = try #require(try context.directory.loadAuthority(profile))
        let key = try PrivateKeyMaterial.generate(.ecdsaP256)
        let request = IssuanceRequest(
            commonName: "clusterpki-server",
            subjectAltNames: SubjectAltNames(dnsNames: ["node-1"], ipAddresses: [IPAddress("127.0.0.1")!]),
            keyUsage: KeyUsage([.digitalSignature], keyIsRSA: false, keyEnciphermentOnlyForRSA: true),
            extendedKeyUsages: [.serverAuth],
            notBefore: context.notBefore, notAfter: context.now + 8760 * 3600)
        let certificate = try authority.sign(request, publicKey: key.publicKey)
        var transaction = FileTransaction()
        transaction.write(try PEMCertificates.encode([certificate]), to: "clusterpki-server.crt", mode: 0o644)
        transaction.write(try key.pemString(), to: "clusterpki-server.key", mode: 0o600)
        try transaction.commit(in: context.directory.root)
    }

    /// Every file under the kubernetes dir with its contents.
    static func files(_ cluster: TestCluster) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: cluster.kubernetesDir.path))
        while let relative = enumerator.nextObject() as? String {
            let url = cluster.kubernetesDir.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = try Data(contentsOf: url)
            }
        }
        return result
    }

    /// The credential name a file belongs to, as the report names it.
    static func credentialName(ofFile path: String) -> String {
        let base = path.hasPrefix("pki/") ? String(path.dropFirst(4)) : path
        if base.hasSuffix(".conf") { return base }
        let stem = base.replacingOccurrences(of: ".crt", with: "").replacingOccurrences(of: ".key", with: "")
        return stem.hasPrefix("etcd/") ? "etcd-" + stem.dropFirst(5) : stem
    }

    @Test func oneRunRenewsEveryExpiredOrDueCertificateAndTheSecondRenewsNothing() async throws {
        let cluster = try await Self.agedCluster()
        let store = try cluster.ledger()
        let before = try Self.files(cluster)
        let job = ScheduledRenewal(context: cluster.context(at: Self.now), store: store, actor: "timer")
        let report = try await job.run()

        // kubelet.conf too: on a node holding ca.key, rotate re-issues the node's own kubelet credential (issue 14).
        let expected = Set(Self.leaves + Self.kubeconfigs + ["clusterpki-server", "kubelet.conf"]).subtracting([
            "apiserver"
        ])
        #expect(Set(report.renewed.map(\.name)) == expected)
        #expect(report.notDue.map(\.name) == ["apiserver"])
        #expect(report.failed.isEmpty && report.skipped.isEmpty && report.succeeded)
        // The report lists exactly what changed on disk.
        let after = try Self.files(cluster)
        let changed = Set(after.keys.filter { after[$0] != before[$0] }.map(Self.credentialName))
        #expect(changed == expected)
        #expect(Set(before.keys) == Set(after.keys))
        for item in report.renewed {
            #expect(item.oldSerial != nil && item.newSerial != nil && item.oldSerial != item.newSerial, "\(item.name)")
            #expect(try #require(item.newNotAfter) > Self.now + 300 * Self.day, "\(item.name)")
            #expect(try #require(item.oldNotAfter) < Self.now + 30 * Self.day, "\(item.name)")
        }
        // One audit event per renewal; new kubeconfig serials join the ledger.
        let audit = try await store.auditEvents(limit: nil).filter { $0.action == .certificateRenewed }
        #expect(audit.count == expected.count)
        #expect(audit.allSatisfy { $0.actor == "timer" && $0.time == Self.now })
        let ledgerSerials = Set(try await store.credentials().map(\.serial))
        for item in report.renewed where item.name.hasSuffix(".conf") {
            #expect(ledgerSerials.contains(try #require(item.newSerial)))
        }

        let second = try await ScheduledRenewal(
            context: cluster.context(at: Self.now + 60), store: store, actor: "timer", restartHook: "exit 7"
        ).run()
        #expect(second.renewed.isEmpty && second.succeeded && second.hook == nil)
        #expect(Set(second.notDue.map(\.name)) == expected.union(["apiserver"]))
        #expect(try Self.files(cluster) == after)
        let json = try report.json()
        #expect(json.contains("\"renewed\"") && json.contains("\"newSerial\"") && json.contains("\"notDue\""))
    }

    @Test func dryRunReportsWhatIsDueAndChangesNothing() async throws {
        let cluster = try await Self.agedCluster()
        let store = try cluster.ledger()
        let before = try Self.files(cluster)
        let dbBefore = try Data(contentsOf: URL(fileURLWithPath: store.path))
        let marker = cluster.root.appendingPathComponent("hook-ran")
        let report = try await ScheduledRenewal(
            context: cluster.context(at: Self.now), store: store, actor: "t", dryRun: true,
            restartHook: "touch \(marker.path)"
        ).run()
        #expect(report.wouldRenew.count == Self.leaves.count + Self.kubeconfigs.count + 1)  // 7 leaves + 4 + server + kubelet.conf − apiserver
        #expect(report.renewed.isEmpty && report.hook == nil && report.succeeded)
        #expect(try Self.files(cluster) == before)
        #expect(try await store.auditEvents(limit: nil).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.path)) == dbBefore)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func theHookRunsOnceAfterRenewalsAndItsFailureFailsTheRun() async throws {
        let cluster = try await Self.agedCluster()
        let log = cluster.root.appendingPathComponent("hook.log")
        let report = try await ScheduledRenewal(
            context: cluster.context(at: Self.now), store: nil, actor: "t",
            restartHook: "echo \"$CLUSTERPKI_RENEWED\" >> \(log.path); echo boom >&2; exit 3"
        ).run()
        #expect(report.renewed.count == 12)  // 11 + kubelet.conf
        #expect(try String(contentsOf: log, encoding: .utf8).split(separator: "\n").count == 1)
        #expect(report.hook?.exitStatus == 3)
        #expect(report.hook?.output.contains("boom") == true)
        #expect(!report.succeeded)
        #expect(report.failures.count == 1 && report.failures[0].contains("exited with status 3"))
    }

    @Test func aBrokenCredentialIsListedAndTheOthersAreStillRenewed() async throws {
        let cluster = try await Self.agedCluster()
        try "not a certificate\n".write(
            to: cluster.context.directory.url("etcd/peer", "crt"), atomically: true, encoding: .utf8)
        let report = try await ScheduledRenewal(context: cluster.context(at: Self.now), store: nil, actor: "t").run()
        #expect(report.failed.map(\.name) == ["etcd-peer"])
        #expect(report.renewed.count == 11)  // 10 + kubelet.conf
        #expect(!report.succeeded)
        #expect(report.failures.first?.hasPrefix("etcd-peer: ") == true)
    }

    /// kubelet.conf pointing at the kubelet's PEM (as after `clusterpki join --control-plane`): rotate writes that file
    /// as join does, one combined PEM, and leaves kubelet.conf as it is.
    @Test func rotateReissuesTheKubeletPEMThatKubeletConfNames() async throws {
        let cluster = try await Self.agedCluster()
        let created = cluster.context(at: Self.now - 400 * Self.day)
        let pemURL = cluster.root.appendingPathComponent("kubelet/pki/kubelet-client-current.pem")
        try FileManager.default.createDirectory(
            at: pemURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let caProfile = try #require(created.policy.authority(named: "ca"))
        let authority = try #require(try created.directory.loadAuthority(caProfile))
        let key = try PrivateKeyMaterial.generate(.ecdsaP256)
        let old = try authority.sign(
            IssuanceRequest(
                commonName: "system:node:node-1", organizations: ["system:nodes"],
                keyUsage: KeyUsage(digitalSignature: true),
                extendedKeyUsages: [.clientAuth], notBefore: created.now, notAfter: created.now + 365 * Self.day),
            publicKey: key.publicKey)
        try (try PEMCertificates.encode([old]) + (try key.pemString())).write(
            to: pemURL, atomically: true, encoding: .utf8)
        let config = KubeConfig(
            clusterName: "kubernetes", server: "https://10.0.0.10:6443", caPEM: try cluster.caCertificatePEM(),
            userName: "system:node:node-1",
            user: KubeConfig.AuthInfo(clientCertificate: pemURL.path, clientKey: pemURL.path))
        try config.yaml().write(to: cluster.url("kubelet.conf"), atomically: true, encoding: .utf8)
        let kubeletConf = try cluster.read("kubelet.conf")

        let report = try await ScheduledRenewal(context: cluster.context(at: Self.now), store: nil, actor: "t").run()
        #expect(report.renewed.contains { $0.name == "kubelet.conf" && $0.oldSerial == old.serialHex })
        let text = try String(contentsOf: pemURL, encoding: .utf8)
        let renewed = try #require(try PEMCertificates.parse(text, path: pemURL.path).first)
        #expect(renewed.serialHex != old.serialHex && renewed.notValidAfter > Self.now + 300 * Self.day)
        #expect(renewed.subject.kubernetesIdentity.commonName == "system:node:node-1")
        #expect(authority.issued(renewed))
        #expect(try PrivateKeyMaterial(pemEncoded: text, path: pemURL.path).publicKey == renewed.publicKey)
        #expect(try FileManager.default.attributesOfItem(atPath: pemURL.path)[.posixPermissions] as? Int == 0o600)
        #expect(try cluster.read("kubelet.conf") == kubeletConf)
    }

    /// A worker holds no ca.key: its kubelet credential is the server's to renew (`kubelet renew`), not rotate's.
    @Test func aNodeWithoutTheCAKeyLeavesKubeletConfAlone() async throws {
        let cluster = try await Self.agedCluster()
        #expect(cluster.context.kubeletCredential != nil)
        try FileManager.default.removeItem(at: cluster.url("pki/ca.key"))
        #expect(cluster.context.kubeletCredential == nil)
        #expect(
            !ScheduledRenewal(context: cluster.context, store: nil, actor: "t").credentials.contains {
                $0.name == "kubelet.conf"
            })
    }

    @Test func thePolicyWindowDecidesWhatIsDue() throws {
        #expect(RenewalPolicy.fraction("1/3") == 1.0 / 3)
        #expect(RenewalPolicy.fraction("25%") == 0.25)
        #expect(RenewalPolicy.fraction("0.5") == 0.5)
        #expect(RenewalPolicy.fraction("x") == nil)
        let bad = try String(contentsOf: TestSupport.policyURL("kubeadm"), encoding: .utf8).replacingOccurrences(
            of: "window: \"1/3\"", with: "window: \"3/2\"")
        #expect(throws: PKIError.self) { try PKIPolicy(yaml: bad) }
        let unknown = try String(contentsOf: TestSupport.policyURL("kubeadm"), encoding: .utf8).replacingOccurrences(
            of: "maxWindow:", with: "maxWindo:")
        #expect(throws: PKIError.self) { try PKIPolicy(yaml: unknown) }
        let policy = try PKIPolicy(contentsOf: TestSupport.policyURL("kubeadm"))
        #expect(policy.renewalPolicy == .default)
    }
}

extension TestCluster {
    /// The cluster's context with an injected clock.
    func context(at now: Date) -> TreeContext { TreeContext(policy: policy, settings: settings, now: now) }
}
