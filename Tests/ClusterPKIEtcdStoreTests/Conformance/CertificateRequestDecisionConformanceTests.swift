import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// An admin's decisions (issue 14 item 7): a guarded update with its records, and a delete with its audit event,
/// each all or nothing, the same on SQLite and etcd.
@Suite(.etcdServer) struct CertificateRequestDecisionConformanceTests {
    @Test(arguments: Backend.allCases)
    func approvalIsGuardedByTheResourceVersionAndRecordedWhole(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let pending = try await store.createCertificateRequest(
                name: "csr-n1", requester: "system:node:n1", object: Data([1]), now: referenceNow)
            let records = try CertificateRequestConformanceTests.records(serial: "0d01", node: "n1")
            let approved = try await store.updateCertificateRequest(
                name: "csr-n1", object: Data([2]), ifResourceVersion: pending.resourceVersion, recording: records)
            #expect(approved.resourceVersion > pending.resourceVersion && approved.object == Data([2]))
            #expect(approved.created == pending.created && approved.requester == "system:node:n1")
            #expect(try await store.certificateRequest(named: "csr-n1") == approved)
            #expect(try await store.credentials().map(\.serial) == ["d01"])
            #expect(
                try await store.auditEvents(limit: nil).map(\.action) == [
                    .certificateRequestApproved, .credentialRecorded, .nodeRecorded,
                ])

            // A decision made on the old version lost the race: refused, nothing of it stored.
            await #expect(throws: StoreError.certificateRequestConflict(name: "csr-n1")) {
                try await store.updateCertificateRequest(
                    name: "csr-n1", object: Data([3]), ifResourceVersion: pending.resourceVersion,
                    recording: try CertificateRequestConformanceTests.records(serial: "0d02", node: "n2"))
            }
            #expect(try await store.certificateRequest(named: "csr-n1")?.object == Data([2]))
            #expect(try await store.credentials().count == 1)
            #expect(try await store.node(named: "n2") == nil)
            #expect(try await store.auditEvents(limit: nil).count == 3)
            await #expect(throws: StoreError.certificateRequestNotFound(name: "csr-zz")) {
                try await store.updateCertificateRequest(
                    name: "csr-zz", object: Data(), ifResourceVersion: 1, recording: CertificateRequestRecords())
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func deleteReturnsTheRequestAndAuditsIt(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let created = try await store.createCertificateRequest(
                name: "csr-gone", requester: "r", object: Data([7]), now: referenceNow)
            let event = AuditEvent(
                time: referenceNow, actor: "kubernetes-admin", action: .certificateRequestDeleted, detail: "csr-gone")
            let deleted = try await store.deleteCertificateRequest(
                name: "csr-gone", recording: CertificateRequestRecords(auditEvents: [event]))
            #expect(deleted.name == "csr-gone" && deleted.object == Data([7]) && deleted.requester == "r")
            #expect(deleted.created == created.created)
            #expect(try await store.certificateRequest(named: "csr-gone") == nil)
            #expect(try await store.auditEvents(limit: nil).map(\.action) == [.certificateRequestDeleted])
            await #expect(throws: StoreError.certificateRequestNotFound(name: "csr-gone")) {
                try await store.deleteCertificateRequest(
                    name: "csr-gone", recording: CertificateRequestRecords(auditEvents: [event]))
            }
            #expect(try await store.auditEvents(limit: nil).count == 1)
        }
    }
}
