import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Logging
import Testing

/// `serve`'s CSR cleaner (kube-controller-manager's csrcleaner): denied and failed CSRs go `deniedTTL` after that
/// condition, approved ones `approvedTTL` after their approval, undecided ones `pendingTTL` after their creation, each
/// with an audit event; younger ones stay.
@Suite struct CSRCleanerTests {
    static func cleaner(_ cluster: TestCluster, ttls: CSRCleaner.TTLs? = nil) -> CSRCleaner {
        let clock = cluster.clock
        return CSRCleaner(
            store: cluster.store,
            ttls: ttls ?? CSRCleaner.TTLs(policy: cluster.policy.serverPolicy.certificateSigningRequests),
            logger: Logger(label: "test"), now: { clock.withLockedValue { $0 } })
    }

    static func denied(_ name: String) throws -> CertificateSigningRequestObject {
        try CSRIssuerTests.object(name: name, commonName: "system:node:a", organizations: ["system:masters"])
    }

    static func approved(_ name: String) throws -> CertificateSigningRequestObject {
        try CSRIssuerTests.object(name: name, commonName: "system:node:a")
    }

    static func deletions(_ cluster: TestCluster) async throws -> [String] {
        try await cluster.store.auditEvents(limit: nil).filter { $0.action == .certificateRequestDeleted }
            .map { "\($0.actor): \($0.detail)" }.sorted()
    }

    @Test func eachDecisionIsDeletedAfterItsOwnTTLWithAnAuditEvent() async throws {
        let cluster = try TestCluster()
        let csrPolicy = cluster.policy.serverPolicy.certificateSigningRequests
        #expect(
            [csrPolicy.deniedTTL, csrPolicy.approvedTTL, csrPolicy.pendingTTL].map(\.seconds) == [3600, 3600, 86400])
        let start = cluster.now
        let issuer = CSRIssuerTests.issuer(cluster)
        let requester = CSRIssuerTests.bootstrapToken
        _ = try await issuer.issue(try Self.denied("old-denied"), requester: requester, client: "10.0.0.5")
        let approved = try await issuer.issue(
            try Self.approved("old-approved"), requester: requester, client: "10.0.0.5")
        #expect(approved.decision.isApproved)
        // A Failed condition (signing failed after approval) ages like a denial, as in kube-controller-manager.
        var failed = approved.object
        failed.metadata.name = "old-failed"
        failed.metadata.resourceVersion = nil
        failed.status?.conditions?.append(
            .init(
                type: "Failed", status: "True", reason: "SigningError", message: "test",
                lastUpdateTime: RFC3339.format(start), lastTransitionTime: RFC3339.format(start)))
        _ = try await cluster.store.createCertificateRequest(
            name: "old-failed", requester: "system:bootstrap:abcdef", object: try KubernetesJSON.encode(failed),
            now: start)
        // No condition: pending, aged from its creation.
        var pending = approved.object
        pending.metadata.name = "pending"
        pending.metadata.resourceVersion = nil
        pending.status = nil
        _ = try await cluster.store.createCertificateRequest(
            name: "pending", requester: "system:bootstrap:abcdef", object: try KubernetesJSON.encode(pending),
            now: start)
        cluster.clock.withLockedValue { $0 = start + 1800 }
        _ = try await issuer.issue(try Self.denied("young-denied"), requester: requester, client: "10.0.0.5")
        _ = try await issuer.issue(try Self.approved("young-approved"), requester: requester, client: "10.0.0.5")

        let cleaner = Self.cleaner(cluster)
        #expect(await cleaner.sweepOnce() == [])
        cluster.clock.withLockedValue { $0 = start + 3599 }
        #expect(await cleaner.sweepOnce() == [])
        cluster.clock.withLockedValue { $0 = start + 3601 }
        #expect(await cleaner.sweepOnce() == ["old-approved", "old-denied", "old-failed"])
        #expect(
            try await cluster.store.certificateRequests().map(\.name) == ["pending", "young-approved", "young-denied"])
        #expect(
            try await Self.deletions(cluster) == [
                "csr-cleaner: old-approved reason=ApprovedTTLExpired requester=system:bootstrap:abcdef approvedTTL=1h0m0s (policy server.certificateSigningRequests.approvedTTL)",
                "csr-cleaner: old-denied reason=DeniedTTLExpired requester=system:bootstrap:abcdef deniedTTL=1h0m0s (policy server.certificateSigningRequests.deniedTTL)",
                "csr-cleaner: old-failed reason=DeniedTTLExpired requester=system:bootstrap:abcdef deniedTTL=1h0m0s (policy server.certificateSigningRequests.deniedTTL)",
            ])
        // The issued certificate stays in the ledger: only the request object went.
        let serial = try #require(approved.certificate?.serialHex)
        #expect(try await cluster.store.credentials().contains { $0.serial == serial })

        cluster.clock.withLockedValue { $0 = start + 5401 }
        #expect(await cleaner.sweepOnce() == ["young-approved", "young-denied"])
        cluster.clock.withLockedValue { $0 = start + 86399 }
        #expect(await cleaner.sweepOnce() == [])
        cluster.clock.withLockedValue { $0 = start + 86401 }
        #expect(await cleaner.sweepOnce() == ["pending"])
        #expect(try await cluster.store.certificateRequests().isEmpty)
        // Deletions come back sorted by text, so the pending one is found by content, not position.
        let deletions = try await Self.deletions(cluster)
        #expect(deletions.count == 6)
        #expect(
            deletions.contains(
                "csr-cleaner: pending reason=PendingTTLExpired requester=system:bootstrap:abcdef pendingTTL=24h0m0s (policy server.certificateSigningRequests.pendingTTL)"
            ))
    }

    /// The word "Denied" in a field of an approved request does not make it denied: it ages as approved.
    @Test func theWordDeniedInAnApprovedRequestDoesNotMakeItDenied() async throws {
        let cluster = try TestCluster()
        let start = cluster.now
        let issuer = CSRIssuerTests.issuer(cluster)
        var object = try Self.approved("approved-noted")
        object.metadata.annotations = ["note": "Denied", "other": "Failed"]
        let approved = try await issuer.issue(object, requester: CSRIssuerTests.bootstrapToken, client: "10.0.0.5")
        #expect(approved.decision.isApproved)
        _ = try await issuer.issue(
            try Self.denied("denied"), requester: CSRIssuerTests.bootstrapToken, client: "10.0.0.5")
        let stored = try await cluster.store.certificateRequests()
        let noted = try #require(stored.first { $0.name == "approved-noted" })
        #expect(String(decoding: noted.object, as: UTF8.self).contains(#""Denied""#))
        cluster.clock.withLockedValue { $0 = start + 3601 }
        let hour = GoDuration(seconds: 3600)
        let cleaner = Self.cleaner(
            cluster, ttls: .init(denied: hour, approved: GoDuration(seconds: 7200), pending: hour))
        #expect(await cleaner.sweepOnce() == ["denied"])
        #expect(try await cluster.store.certificateRequests().map(\.name) == ["approved-noted"])
    }

    /// A stored object that does not decode is never deleted by age (an admin can still delete it).
    @Test func anObjectThatDoesNotDecodeIsKept() async throws {
        let cluster = try TestCluster()
        let start = cluster.now
        _ = try await cluster.store.createCertificateRequest(
            name: "garbled", requester: "system:bootstrap:abcdef", object: Data("not json".utf8), now: start)
        cluster.clock.withLockedValue { $0 = start + 30 * 86400 }
        #expect(await Self.cleaner(cluster).sweepOnce() == [])
        #expect(try await cluster.store.certificateRequests().map(\.name) == ["garbled"])
    }
}
