import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Logging
import Testing

/// `serve`'s denied-CSR cleaner: denied and failed CSRs go after `deniedTTL`, with an audit event; the rest stay.
@Suite struct DeniedCSRCleanerTests {
    static func cleaner(_ cluster: TestCluster) -> DeniedCSRCleaner {
        let clock = cluster.clock
        return DeniedCSRCleaner(
            store: cluster.store, ttl: cluster.policy.serverPolicy.certificateSigningRequests.deniedTTL,
            logger: Logger(label: "test"), now: { clock.withLockedValue { $0 } })
    }

    static func denied(_ name: String) throws -> CertificateSigningRequestObject {
        try CSRIssuerTests.object(name: name, commonName: "system:node:a", organizations: ["system:masters"])
    }

    @Test func deniedAndFailedRequestsOlderThanTheTTLAreDeletedWithAnAuditEvent() async throws {
        let cluster = try TestCluster()
        #expect(cluster.policy.serverPolicy.certificateSigningRequests.deniedTTL.seconds == 3600)
        let start = cluster.now
        let issuer = CSRIssuerTests.issuer(cluster)
        let requester = CSRIssuerTests.bootstrapToken
        _ = try await issuer.issue(try Self.denied("old-denied"), requester: requester, client: "10.0.0.5")
        let approved = try await issuer.issue(
            try CSRIssuerTests.object(name: "approved", commonName: "system:node:a"), requester: requester,
            client: "10.0.0.5")
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
        cluster.clock.withLockedValue { $0 = start + 1800 }
        _ = try await issuer.issue(try Self.denied("young-denied"), requester: requester, client: "10.0.0.5")

        let cleaner = Self.cleaner(cluster)
        #expect(await cleaner.sweepOnce() == [])
        cluster.clock.withLockedValue { $0 = start + 3601 }
        #expect(await cleaner.sweepOnce() == ["old-denied", "old-failed"])
        #expect(try await cluster.store.certificateRequests().map(\.name) == ["approved", "young-denied"])

        let events = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .certificateRequestDeleted }
        #expect(events.map(\.actor) == ["csr-cleaner", "csr-cleaner"])
        #expect(
            events.map(\.detail).sorted() == [
                "old-denied reason=DeniedTTLExpired requester=system:bootstrap:abcdef deniedTTL=1h0m0s (policy server.certificateSigningRequests.deniedTTL)",
                "old-failed reason=DeniedTTLExpired requester=system:bootstrap:abcdef deniedTTL=1h0m0s (policy server.certificateSigningRequests.deniedTTL)",
            ])

        cluster.clock.withLockedValue { $0 = start + 5401 }
        #expect(await cleaner.sweepOnce() == ["young-denied"])
        #expect(try await cluster.store.certificateRequests().map(\.name) == ["approved"])
    }

    /// Approved requests are told apart without a decode (they hold no "Denied"/"Failed" string), but the word in a
    /// field of an approved request does not make it denied: the decode still decides.
    @Test func theWordDeniedInAnApprovedRequestDoesNotMakeItDenied() async throws {
        let cluster = try TestCluster()
        let start = cluster.now
        let issuer = CSRIssuerTests.issuer(cluster)
        var object = try CSRIssuerTests.object(name: "approved-noted", commonName: "system:node:a")
        object.metadata.annotations = ["note": "Denied", "other": "Failed"]
        let approved = try await issuer.issue(object, requester: CSRIssuerTests.bootstrapToken, client: "10.0.0.5")
        #expect(approved.decision.isApproved)
        _ = try await issuer.issue(
            try Self.denied("denied"), requester: CSRIssuerTests.bootstrapToken, client: "10.0.0.5")
        let stored = try await cluster.store.certificateRequests()
        let noted = try #require(stored.first { $0.name == "approved-noted" })
        #expect(String(decoding: noted.object, as: UTF8.self).contains(#""Denied""#))
        let plain = try await issuer.issue(
            try CSRIssuerTests.object(name: "approved-plain", commonName: "system:node:a"),
            requester: CSRIssuerTests.bootstrapToken, client: "10.0.0.5")
        #expect(plain.decision.isApproved)
        cluster.clock.withLockedValue { $0 = start + 3601 }
        #expect(await Self.cleaner(cluster).sweepOnce() == ["denied"])
        #expect(
            try await cluster.store.certificateRequests().map(\.name).sorted() == ["approved-noted", "approved-plain"])
    }
}
