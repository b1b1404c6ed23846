import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// CertificateRequestStore: create-if-absent names, one all-or-nothing write per CSR, versions and node records.
@Suite(.etcdServer) struct CertificateRequestConformanceTests {
    static func credential(_ serial: String, _ name: String = "system:node:n1") throws -> IssuedCredential {
        try IssuedCredential(
            serial: serial, commonName: name, organizations: ["system:nodes"],
            notAfter: referenceNow.addingTimeInterval(86_400),
            created: referenceNow, actor: "csr-approver")
    }

    static func records(serial: String, node: String) throws -> CertificateRequestRecords {
        CertificateRequestRecords(
            auditEvents: [
                AuditEvent(
                    time: referenceNow, actor: "10.0.0.9", action: .certificateRequestApproved, detail: "csr-\(node)")
            ],
            credential: try credential(serial, "system:node:\(node)"),
            node: NodeRecord(
                name: node, addresses: ["10.0.0.9", "fd00::9"], recorded: referenceNow, recordedBy: "10.0.0.9"))
    }

    /// The CSR cleaner's read: only requests created at or before the cutoff, in name order, whole; an update
    /// (a new resourceVersion) does not make a request younger.
    @Test(arguments: Backend.allCases)
    func requestsCreatedByACutoffAreTheOldOnesOnly(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            for (name, minutes) in [("csr-d", 0), ("csr-b", 10), ("csr-a", 20), ("csr-c", 30)] {
                _ = try await store.createCertificateRequest(
                    name: name, requester: "r", object: Data("{\"n\":\"\(name)\"}".utf8),
                    now: referenceNow.addingTimeInterval(Double(minutes) * 60))
            }
            _ = try await store.updateCertificateRequest(name: "csr-d", object: Data("{}".utf8))
            let all = try await store.certificateRequests()
            for minutes in [-1, 0, 10, 15, 20, 30, 31] {
                let cutoff = referenceNow.addingTimeInterval(Double(minutes) * 60)
                let old = try await store.certificateRequests(createdAtOrBefore: cutoff)
                #expect(old == all.filter { $0.created <= cutoff }, "cutoff +\(minutes) min")
            }
            #expect(
                try await store.certificateRequests(createdAtOrBefore: referenceNow.addingTimeInterval(1_200)).map(
                    \.name)
                    == ["csr-a", "csr-b", "csr-d"])
            #expect(try await store.certificateRequests(createdAtOrBefore: referenceNow.addingTimeInterval(-1)).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func namesAreTakenOnceWithEverythingRecordedTogether(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let object = Data(#"{"kind":"CertificateSigningRequest"}"#.utf8)
            let created = try await store.createCertificateRequest(
                name: "csr-n1", requester: "system:bootstrap:abcdef", object: object, now: referenceNow,
                recording: try Self.records(serial: "0a01", node: "n1"))
            #expect(created.resourceVersion > 0 && created.object == object)
            #expect(try await store.certificateRequest(named: "csr-n1") == created)
            #expect(try await store.credentials().map(\.serial) == ["a01"])
            #expect(
                try await store.node(named: "n1")
                    == NodeRecord(
                        name: "n1", addresses: ["10.0.0.9", "fd00::9"], recorded: referenceNow, recordedBy: "10.0.0.9"))
            #expect(
                try await store.auditEvents(limit: nil).map(\.action) == [
                    .certificateRequestApproved, .credentialRecorded, .nodeRecorded,
                ])

            // The same name again: refused, and none of its records are stored.
            await #expect(throws: StoreError.certificateRequestAlreadyExists(name: "csr-n1")) {
                try await store.createCertificateRequest(
                    name: "csr-n1", requester: "x", object: Data(), now: referenceNow,
                    recording: try Self.records(serial: "0b02", node: "n2"))
            }
            // A new name whose serial is already in the ledger: refused whole as well.
            await #expect(throws: StoreError.credentialAlreadyRecorded(serial: "a01")) {
                try await store.createCertificateRequest(
                    name: "csr-n3", requester: "x", object: Data(), now: referenceNow,
                    recording: try Self.records(serial: "a01", node: "n3"))
            }
            #expect(try await store.certificateRequests().map(\.name) == ["csr-n1"])
            #expect(try await store.credentials().count == 1)
            #expect(try await store.node(named: "n2") == nil)
            #expect(try await store.node(named: "n3") == nil)
            #expect(try await fixture.count(.nodes) == 1)
            #expect(try await store.auditEvents(limit: nil).count == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentCreatesOfOneNameHaveOneWinner(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    let replica = try await fixture.openAnother()
                    group.addTask {
                        let records = try Self.records(serial: String(format: "c%02x", index), node: "n\(index)")
                        return
                            (try? await replica.createCertificateRequest(
                                name: "csr-race", requester: "r\(index)", object: Data([UInt8(index)]),
                                now: referenceNow, recording: records)) != nil
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await fixture.count(.certificateRequests) == 1)
            #expect(try await fixture.count(.credentials) == 1)
            #expect(try await fixture.count(.nodes) == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func versionsIncreaseWithEveryWriteAndListsAreSortedByName(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            #expect(try await store.certificateRequestsVersion() == 0)
            let b = try await store.createCertificateRequest(
                name: "csr-b", requester: "r", object: Data([1]), now: referenceNow)
            let a = try await store.createCertificateRequest(
                name: "csr-a", requester: "r", object: Data([2]), now: referenceNow)
            #expect(a.resourceVersion > b.resourceVersion)
            #expect(try await store.certificateRequestsVersion() == a.resourceVersion)
            let updated = try await store.updateCertificateRequest(name: "csr-b", object: Data([3]))
            #expect(updated.resourceVersion > a.resourceVersion && updated.object == Data([3]))
            #expect(updated.created == b.created && updated.requester == "r")
            #expect(try await store.certificateRequestsVersion() == updated.resourceVersion)
            #expect(try await store.certificateRequests().map(\.name) == ["csr-a", "csr-b"])
            #expect(try await store.certificateRequest(named: "csr-b")?.resourceVersion == updated.resourceVersion)
            #expect(try await store.certificateRequest(named: "csr-zz") == nil)
            await #expect(throws: StoreError.certificateRequestNotFound(name: "csr-zz")) {
                try await store.updateCertificateRequest(name: "csr-zz", object: Data())
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func pagesFollowNameOrderFromTheStartName(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            for name in ["csr-c", "csr-a", "csr-e", "csr-b", "csr-d"] {
                _ = try await store.createCertificateRequest(
                    name: name, requester: "r", object: Data("{}".utf8), now: referenceNow)
            }
            #expect(try await store.certificateRequests(after: nil, limit: 2).map(\.name) == ["csr-a", "csr-b"])
            #expect(try await store.certificateRequests(after: "csr-b", limit: 2).map(\.name) == ["csr-c", "csr-d"])
            #expect(try await store.certificateRequests(after: "csr-d", limit: 2).map(\.name) == ["csr-e"])
            #expect(try await store.certificateRequests(after: "csr-e", limit: 2).isEmpty)
            #expect(
                try await store.certificateRequests(after: "csr-bb", limit: nil).map(\.name) == [
                    "csr-c", "csr-d", "csr-e",
                ])
            #expect(
                try await store.certificateRequests(after: nil, limit: nil) == (try await store.certificateRequests()))
        }
    }

    @Test(arguments: Backend.allCases)
    func nodeRecordsAreReplacedAndAudited(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            try await store.recordNode(
                NodeRecord(name: "n1", addresses: ["10.0.0.1"], recorded: referenceNow, recordedBy: "a"))
            let later = NodeRecord(
                name: "n1", addresses: ["10.0.0.2"], recorded: referenceNow.addingTimeInterval(5), recordedBy: "b")
            try await store.recordNode(later)
            #expect(try await store.node(named: "n1") == later)
            #expect(try await store.node(named: "n9") == nil)
            let events = try await store.auditEvents(limit: nil)
            #expect(events.map(\.detail) == ["node=n1 addresses=10.0.0.1", "node=n1 addresses=10.0.0.2"])
        }
    }
}
