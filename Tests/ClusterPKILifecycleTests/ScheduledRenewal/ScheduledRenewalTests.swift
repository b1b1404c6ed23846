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
    static let leaves = ["apiserver", "apiserver-etcd-client", "apiserver-kubelet-client", "etcd-healthcheck-client",
                         "etcd-peer", "etcd-server", "front-proxy-client"]
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
            commonName: "clusterpki-server", subjectAltNames: SubjectAltNames(dnsNames: ["node-1"], ipAddresses: [IPAddress("127.0.0.1")!]),
            keyUsage: KeyUsage([.digitalSignature], keyIsRSA: false, keyEnciphermentOnlyForRSA: true), extendedKeyUsages: [.serverAuth],
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

        let expected = Set(Self.leaves + Self.kubeconfigs + ["clusterpki-server"]).subtracting(["apiserver"])
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
        for item in report.renewed where item.name.hasSuffix(".conf") { #expect(ledgerSerials.contains(try #require(item.newSerial))) }

        let second = try await ScheduledRenewal(context: cluster.context(at: Self.now + 60), store: store, actor: "timer", restartHook: "exit 7").run()
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
            context: cluster.context(at: Self.now), store: store, actor: "t", dryRun: true, restartHook: "touch \(marker.path)"
        ).run()
        #expect(report.wouldRenew.count == Self.leaves.count + Self.kubeconfigs.count)  // 7 leaves + 4 + server − apiserver
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
        #expect(report.renewed.count == 11)
        #expect(try String(contentsOf: log, encoding: .utf8).split(separator: "\n").count == 1)
        #expect(report.hook?.exitStatus == 3)
        #expect(report.hook?.output.contains("boom") == true)
        #expect(!report.succeeded)
        #expect(report.failures.count == 1 && report.failures[0].contains("exited with status 3"))
    }

    @Test func aBrokenCredentialIsListedAndTheOthersAreStillRenewed() async throws {
        let cluster = try await Self.agedCluster()
        try "not a certificate\n".write(to: cluster.context.directory.url("etcd/peer", "crt"), atomically: true, encoding: .utf8)
        let report = try await ScheduledRenewal(context: cluster.context(at: Self.now), store: nil, actor: "t").run()
        #expect(report.failed.map(\.name) == ["etcd-peer"])
        #expect(report.renewed.count == 10)
        #expect(!report.succeeded)
        #expect(report.failures.first?.hasPrefix("etcd-peer: ") == true)
    }

    @Test func thePolicyWindowDecidesWhatIsDue() throws {
        #expect(RenewalPolicy.fraction("1/3") == 1.0 / 3)
        #expect(RenewalPolicy.fraction("25%") == 0.25)
        #expect(RenewalPolicy.fraction("0.5") == 0.5)
        #expect(RenewalPolicy.fraction("x") == nil)
        let bad = try String(contentsOf: TestSupport.policyURL("kubeadm"), encoding: .utf8).replacingOccurrences(of: "window: \"1/3\"", with: "window: \"3/2\"")
        #expect(throws: PKIError.self) { try PKIPolicy(yaml: bad) }
        let unknown = try String(contentsOf: TestSupport.policyURL("kubeadm"), encoding: .utf8).replacingOccurrences(of: "maxWindow:", with: "maxWindo:")
        #expect(throws: PKIError.self) { try PKIPolicy(yaml: unknown) }
        let policy = try PKIPolicy(contentsOf: TestSupport.policyURL("kubeadm"))
        #expect(policy.renewalPolicy == .default)
    }
}

extension TestCluster {
    /// The cluster's context with an injected clock.
    func context(at now: Date) -> TreeContext { TreeContext(policy: policy, settings: settings, now: now) }
}
