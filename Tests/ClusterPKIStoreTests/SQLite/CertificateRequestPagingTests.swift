import ClusterPKISQLiteStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// `certificateRequests(after:limit:)`: pages by name from SQLite, and the protocol's fallback cut from the whole list
/// gives the same pages.
@Suite struct CertificateRequestPagingTests {
    static let names = ["node-csr-c", "node-csr-a", "node-csr-e", "node-csr-b", "node-csr-d"]

    @Test func pagesFollowNameOrderFromTheStartName() async throws {
        let (store, directory) = try makeStore()
        for name in Self.names {
            _ = try await store.createCertificateRequest(
                name: name, requester: "test", object: Data("{}".utf8), now: referenceNow)
        }
        #expect(try await store.certificateRequests(after: nil, limit: 2).map(\.name) == ["node-csr-a", "node-csr-b"])
        #expect(
            try await store.certificateRequests(after: "node-csr-b", limit: 2).map(\.name) == [
                "node-csr-c", "node-csr-d",
            ])
        #expect(try await store.certificateRequests(after: "node-csr-d", limit: 2).map(\.name) == ["node-csr-e"])
        #expect(try await store.certificateRequests(after: "node-csr-e", limit: 2).isEmpty)
        #expect(
            try await store.certificateRequests(after: "node-csr-bb", limit: nil).map(\.name) == [
                "node-csr-c", "node-csr-d", "node-csr-e",
            ])
        #expect(try await store.certificateRequests(after: nil, limit: nil) == (try await store.certificateRequests()))

        // A backend without its own paged query (the protocol's default) pages the same way.
        let fallback = WholeListStore(base: store)
        for (after, limit) in [(nil, 2), ("node-csr-b", 2), ("node-csr-d", 10), (nil, nil), ("node-csr-bb", nil)]
            as [(String?, Int?)]
        {
            #expect(
                try await fallback.certificateRequests(after: after, limit: limit)
                    == (try await store.certificateRequests(after: after, limit: limit)))
        }
        _ = directory
    }
}

/// Only the whole-list read, so the protocol extension's `certificateRequests(after:limit:)` is what runs.
private struct WholeListStore: CertificateRequestStore {
    let base: SQLiteStateStore

    func createCertificateRequest(
        name: String, requester: String, object: Data, now: Date, recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest {
        try await base.createCertificateRequest(
            name: name, requester: requester, object: object, now: now, recording: records)
    }
    func updateCertificateRequest(name: String, object: Data) async throws -> StoredCertificateRequest {
        try await base.updateCertificateRequest(name: name, object: object)
    }
    func updateCertificateRequest(
        name: String, object: Data, ifResourceVersion resourceVersion: Int64,
        recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest {
        try await base.updateCertificateRequest(
            name: name, object: object, ifResourceVersion: resourceVersion, recording: records)
    }
    func deleteCertificateRequest(name: String, recording records: CertificateRequestRecords) async throws
        -> StoredCertificateRequest
    {
        try await base.deleteCertificateRequest(name: name, recording: records)
    }
    func certificateRequest(named name: String) async throws -> StoredCertificateRequest? {
        try await base.certificateRequest(named: name)
    }
    func certificateRequests() async throws -> [StoredCertificateRequest] { try await base.certificateRequests() }
    func certificateRequestsVersion() async throws -> Int64 { try await base.certificateRequestsVersion() }
    func recordNode(_ node: NodeRecord) async throws { try await base.recordNode(node) }
    func node(named name: String) async throws -> NodeRecord? { try await base.node(named: name) }
    func countUploadFetch(name: String, actor: String, tokenID: String?, now: Date) async throws -> Int {
        try await base.countUploadFetch(name: name, actor: actor, tokenID: tokenID, now: now)
    }
}
