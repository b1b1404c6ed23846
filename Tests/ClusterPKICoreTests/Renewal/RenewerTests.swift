import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

@Suite struct RenewerTests {
    static let leaves = ExpectedProfile.kubeadmTree.filter { $0.issuer != nil }

    /// A generated ECDSA tree at `TestSupport.start`, and a context at `now` for the same directory.
    static func tree(_ root: URL, policy: String = "kubeadm") async throws -> TreeContext {
        let context = try CertsPhaseTests.context(root, policy: policy)
        try await CertsPhase(context: context).generate(["all"])
        return context
    }

    static func at(_ context: TreeContext, _ now: Date) -> TreeContext {
        TreeContext(policy: context.policy, settings: context.settings, now: now)
    }

    static func certificate(_ context: TreeContext, _ base: String) throws -> Certificate {
        try TestSupport.certificate(context.directory.url(base, "crt"))
    }

    @Test func renewAllReplacesKeysAndSerialsButKeepsIdentity() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await Self.tree(root) { $0.apiServerCertSANs = ["*.apps.example.com", "fd00::1"] }
            var before: [String: (Certificate, String)] = [:]
            for leaf in Self.leaves {
                before[leaf.name] = (
                    try Self.certificate(context, leaf.baseName),
                    try TestSupport.read(context.directory.url(leaf.baseName, "key"))
                )
            }
            let caBefore = try TestSupport.snapshot(context.directory.root).filter { $0.key.contains("ca.") }
            let later = Self.at(context, TestSupport.start + 30 * TestSupport.day)
            let report = try await Renewer(context: later, credentials: later.fileCredentials).renew(["all"])
            #expect(report.count(.renewed) == Self.leaves.count)
            #expect(report.items.map(\.name) == Self.leaves.map(\.name).sorted())
            #expect(report.lines.last?.contains("Done renewing certificates.") == true)
            for leaf in Self.leaves {
                let (old, oldKey) = try #require(before[leaf.name])
                let new = try Self.certificate(context, leaf.baseName)
                let key = try TestSupport.key(context.directory.url(leaf.baseName, "key"))
                #expect(
                    try TestSupport.read(context.directory.url(leaf.baseName, "key")) != oldKey,
                    "\(leaf.name): key reused")
                #expect(key.publicKey == new.publicKey, "\(leaf.name): key does not match")
                #expect(new.serialNumber != old.serialNumber)
                #expect(new.subject == old.subject, "\(leaf.name)")
                #expect(new.dnsSANs == old.dnsSANs, "\(leaf.name)")
                #expect(new.ipSANs == old.ipSANs, "\(leaf.name)")
                #expect(new.extKeyUsages == old.extKeyUsages, "\(leaf.name)")
                #expect(new.issuer == old.issuer)
                #expect(new.notValidBefore == later.now - 300)
                #expect(new.notValidAfter == later.now + 8760 * TestSupport.hour)
                #expect(try TestSupport.mode(context.directory.url(leaf.baseName, "key")) == 0o600)
                let caBase = try #require(ExpectedProfile.kubeadmTree.first { $0.name == leaf.issuer }).baseName
                let ca = CertificateAuthority(
                    name: leaf.issuer!, certificate: try Self.certificate(context, caBase), key: nil)
                #expect(ca.issued(new), "\(leaf.name)")
            }
            #expect(
                try TestSupport.snapshot(context.directory.root).filter { $0.key.contains("ca.") } == caBefore,
                "a CA changed")
            #expect(try Self.certificate(context, "apiserver").dnsSANs.contains("*.apps.example.com"))
        }
    }

    @Test func expiringWithinRenewsOnlyCertificatesInsideTheWindow() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await Self.tree(root)
            // apiserver renewed at day 200: it now expires at day 565, the others at day 365.
            let day200 = Self.at(context, TestSupport.start + 200 * TestSupport.day)
            _ = try await Renewer(context: day200, credentials: day200.fileCredentials).renew(["apiserver"])
            let apiserverBefore = try TestSupport.read(context.directory.url("apiserver", "crt"))

            let day350 = Self.at(context, TestSupport.start + 350 * TestSupport.day)
            let report = try await Renewer(context: day350, credentials: day350.fileCredentials)
                .renew(["all"], expiringWithin: try GoDuration(parsing: "720h"))
            #expect(report.items.filter { $0.outcome == .notDue }.map(\.name) == ["apiserver"])
            #expect(report.count(.renewed) == Self.leaves.count - 1)
            #expect(try TestSupport.read(context.directory.url("apiserver", "crt")) == apiserverBefore)
            #expect(
                try Self.certificate(context, "front-proxy-client").notValidAfter == day350.now + 8760
                    * TestSupport.hour)
        }
    }

    @Test func nothingIsDueOutsideTheWindow() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await Self.tree(root)
            let before = try TestSupport.snapshot(context.directory.root)
            let report = try await Renewer(context: context, credentials: context.fileCredentials)
                .renew(["all"], expiringWithin: try GoDuration(parsing: "720h"))
            #expect(report.count(.notDue) == Self.leaves.count)
            #expect(report.count(.renewed) == 0)
            #expect(try TestSupport.snapshot(context.directory.root) == before)
        }
    }

    @Test func missingCAKeyReportsExternalCA() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await Self.tree(root)
            try FileManager.default.removeItem(at: context.directory.url("etcd/ca", "key"))
            let report = try await Renewer(context: context, credentials: context.fileCredentials).renew(["all"])
            let etcdLeaves = ["apiserver-etcd-client", "etcd-healthcheck-client", "etcd-peer", "etcd-server"]
            #expect(report.items.filter { $0.outcome == .externalCA }.map(\.name) == etcdLeaves)
            #expect(report.count(.renewed) == Self.leaves.count - 4)
            #expect(report.lines.contains("Detected external etcd/ca, certificate for serving etcd can't be renewed"))
        }
    }

    @Test func missingFileIsReportedAndOthersRenewed() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await Self.tree(root)
            for suffix in ["crt", "key"] {
                try FileManager.default.removeItem(at: context.directory.url("front-proxy-client", suffix))
            }
            let report = try await Renewer(context: context, credentials: context.fileCredentials).renew(["all"])
            #expect(report.items.filter { $0.outcome == .missing }.map(\.name) == ["front-proxy-client"])
            #expect(report.lines.contains("MISSING! certificate for the front proxy client"))
            #expect(report.count(.renewed) == Self.leaves.count - 1)
            #expect(!context.directory.exists("front-proxy-client", "crt"))
            #expect(report.summary == "[renew] 6 renewed, 0 not due, 1 missing, 0 external CA, 0 refused")
        }
    }

    @Test func renewsOnlyTheNamedCertificate() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await Self.tree(root)
            let before = try TestSupport.snapshot(context.directory.root)
            let report = try await Renewer(context: context, credentials: context.fileCredentials).renew(["etcd-peer"])
            #expect(report.items.map(\.name) == ["etcd-peer"])
            #expect(report.lines == ["certificate for etcd nodes to communicate with each other renewed"])
            let after = try TestSupport.snapshot(context.directory.root)
            #expect(Set(after.keys) == Set(before.keys))
            #expect(Set(after.keys.filter { after[$0] != before[$0] }) == ["etcd/peer.crt", "etcd/peer.key"])
        }
    }

    @Test func unknownNameIsRejected() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await Self.tree(root)
            let error = await #expect(throws: PKIError.self) {
                try await Renewer(context: context, credentials: context.fileCredentials).renew(["etcd-ca"])
            }
            guard case .unknownCertificateName(let name, _)? = error else {
                Issue.record("expected unknownCertificateName, got \(String(describing: error))")
                return
            }
            #expect(name == "etcd-ca")
        }
    }

    @Test func renewedLeafNeverOutlivesItsCA() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await Self.tree(root)
            let late = Self.at(context, TestSupport.start + 87000 * TestSupport.hour)
            _ = try await Renewer(context: late, credentials: late.fileCredentials).renew(["apiserver"])
            #expect(
                try Self.certificate(context, "apiserver").notValidAfter
                    == Self.certificate(context, "ca").notValidAfter)
        }
    }
}

extension RenewerTests {
    static func tree(_ root: URL, _ change: (inout ClusterSettings) -> Void) async throws -> TreeContext {
        let context = try CertsPhaseTests.context(root, change)
        try await CertsPhase(context: context).generate(["all"])
        return context
    }
}
