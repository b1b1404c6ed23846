import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// StateTransfer (export, replace, counts) and StoreMigration, on both backends, and a round trip across them.
@Suite(.etcdServer) struct TransferConformanceTests {
    @Test(arguments: Backend.allCases)
    func exportHoldsEveryRecordAndCountsAgree(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let filled = try await StateSample.fill(fixture.store)
            let snapshot = try await fixture.store.exportState()
            #expect(snapshot.tokens.map(\.token.id) == filled.tokenIDs.sorted())
            let limited = try #require(snapshot.tokens.first { $0.token.id == filled.limited.id })
            #expect(limited.token.usesLeft == 2 && limited.token.maxUses == 3)
            #expect(limited.token.token == filled.limited.token)
            let proxy = try #require(snapshot.tokens.first { $0.token.id == filled.upload.proxyTokenID })
            #expect(proxy.upload == Upload.kubeadmCertsName)
            #expect(snapshot.uploads.map(\.upload.blobs) == [filled.upload.blobs])
            #expect(snapshot.uploads.first?.fetches == 1)
            #expect(snapshot.credentials.map(\.serial) == ["a1", "b2"])
            #expect(snapshot.credentials.first { $0.serial == "a1" }?.revokedBy == "alice")
            #expect(snapshot.certificateRequests.map(\.name) == ["csr-1", "csr-2"])
            #expect(snapshot.nodes.map(\.name) == ["node-1"])
            #expect(snapshot.rotationPhases.map(\.phase) == ["prepared"])
            #expect(
                snapshot.auditEvents.map(\.action) == (try await fixture.store.auditEvents(limit: nil)).map(\.action))
            #expect(try await fixture.store.stateCounts() == snapshot.counts)
            #expect(
                snapshot.counts
                    == StateCounts(
                        tokens: 3, uploads: 1, auditEvents: snapshot.auditEvents.count, credentials: 2,
                        revokedCredentials: 1, certificateRequests: 2, nodes: 1, rotationPhases: 1))
        }
    }

    @Test(arguments: Backend.allCases)
    func replaceStateLeavesExactlyTheSnapshot(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { source in
            _ = try await StateSample.fill(source.store)
            let snapshot = try await source.store.exportState()
            try await StoreFixture.with(backend) { target in
                // Whatever the target held goes, failure counters included.
                _ = try await target.store.createToken(TokenRequest(), actor: "old", now: referenceNow)
                await #expect(throws: StoreError.self) {
                    try await target.store.authenticate(
                        "zzzzzz.0123456789abcdef", client: "c", policy: .default, now: referenceNow)
                }
                #expect(try await target.count(.authFailures) > 0)
                try await target.store.replaceState(with: snapshot)
                let copy = try await target.store.exportState()
                #expect(copy.digest == snapshot.digest)
                #expect(copy.counts == snapshot.counts)
                #expect(try await target.count(.authFailures) == 0)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func digestChangesWithAnyRecord(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            _ = try await StateSample.fill(fixture.store)
            let before = try await fixture.store.exportState().digest
            #expect(try await fixture.store.exportState().digest == before)
            try await fixture.store.recordRotationPhase(
                RotationPhase(subject: "ca", phase: "switched", updatedAt: referenceNow, actor: "a"))
            #expect(try await fixture.store.exportState().digest != before)
        }
    }

    @Test(arguments: Backend.allCases)
    func migrationRefusesANonEmptyTargetAndIsIdempotent(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { source in
            _ = try await StateSample.fill(source.store)
            try await StoreFixture.with(backend) { target in
                _ = try await target.store.createToken(TokenRequest(), actor: "other", now: referenceNow)
                do {
                    _ = try await StoreMigration.run(
                        from: source.store, to: target.store, targetName: "t", force: false)
                    Issue.record("a non-empty target was overwritten without --force")
                } catch let error as StoreMigrationError {
                    guard case .targetNotEmpty(let name, let counts) = error else { throw error }
                    #expect(name == "t" && counts.tokens == 1)
                }
                let first = try await StoreMigration.run(
                    from: source.store, to: target.store, targetName: "t", force: true)
                #expect(first.copied && first.sourceDigest == first.targetDigest)
                let second = try await StoreMigration.run(
                    from: source.store, to: target.store, targetName: "t", force: false)
                #expect(!second.copied && second.targetDigest == first.targetDigest)
                #expect(second.target == first.source)
            }
        }
    }

    /// The issue's round trip: SQLite → etcd → SQLite; every token authenticates, every ledger row and audit event is
    /// there, the digests are equal on every side.
    @Test func roundTripSQLiteToEtcdAndBack() async throws {
        try await StoreFixture.with(.sqlite) { first in
            let filled = try await StateSample.fill(first.store)
            try await StoreFixture.with(.etcd) { etcd in
                try await StoreFixture.with(.sqlite) { last in
                    let there = try await StoreMigration.run(
                        from: first.store, to: etcd.store, targetName: "etcd", force: false)
                    let back = try await StoreMigration.run(
                        from: etcd.store, to: last.store, targetName: "sqlite", force: false)
                    #expect(there.copied && back.copied)
                    #expect(there.sourceDigest == there.targetDigest)
                    #expect(back.targetDigest == there.sourceDigest)
                    let original = try await first.store.exportState()
                    let final = try await last.store.exportState()
                    #expect(final.auditEvents.map(\.detail) == original.auditEvents.map(\.detail))
                    #expect(final.credentials == original.credentials)
                    for store in [etcd.store, last.store] {
                        #expect(try await store.isRevoked(serial: "a1"))
                        let identity = try await store.authenticate(
                            filled.limited.token.token, client: "10.0.0.1", policy: .default, now: referenceNow)
                        #expect(identity.usesLeft == 1)
                        _ = try await store.authenticate(
                            filled.unlimited.token.token, client: "10.0.0.1", policy: .default, now: referenceNow)
                        #expect(
                            try await store.upload(named: Upload.kubeadmCertsName, now: referenceNow).blobs
                                == filled.upload.blobs)
                        #expect(try await store.signingTokens(now: referenceNow).contains(filled.unlimited.token))
                    }
                }
            }
        }
    }
}

/// One of everything a store holds, written through the store's own API.
struct StateSample {
    let limited: BootstrapToken
    let unlimited: BootstrapToken
    let upload: Upload

    var tokenIDs: [String] { [limited.id, unlimited.id, upload.proxyTokenID] }

    static func fill(_ store: any StateStore) async throws -> StateSample {
        let limited = try await store.createToken(
            TokenRequest(description: "three uses", maxUses: 3), actor: "alice", now: referenceNow)
        _ = try await store.authenticate(limited.token.token, client: "10.0.0.9", policy: .default, now: referenceNow)
        let unlimited = try await store.createToken(TokenRequest(ttl: 0), actor: "alice", now: referenceNow)
        let upload = try await store.storeUpload(
            name: Upload.kubeadmCertsName, blobs: ["ca.crt": Data([1, 2]), "sa.key": Data([3])], ttl: Upload.defaultTTL,
            actor: "root", now: referenceNow)
        _ = try await store.countUploadFetch(
            name: Upload.kubeadmCertsName, actor: "10.0.0.9", tokenID: limited.id, now: referenceNow)
        for (serial, name) in [("a1", "alice"), ("b2", "bob")] {
            try await store.recordCredential(
                try IssuedCredential(
                    serial: serial, commonName: name, organizations: ["devs"],
                    notAfter: referenceNow.addingTimeInterval(86_400), created: referenceNow, actor: "root"))
        }
        _ = try await store.revokeCredential(serial: "a1", actor: "alice", now: referenceNow)
        for name in ["csr-2", "csr-1"] {
            _ = try await store.createCertificateRequest(
                name: name, requester: "system:bootstrap:\(limited.id)", object: Data(#"{"n":"\#(name)"}"#.utf8),
                now: referenceNow)
        }
        _ = try await store.updateCertificateRequest(name: "csr-2", object: Data(#"{"approved":true}"#.utf8))
        try await store.recordNode(
            NodeRecord(name: "node-1", addresses: ["10.0.0.9"], recorded: referenceNow, recordedBy: "10.0.0.9"))
        try await store.recordRotationPhase(
            RotationPhase(subject: "ca", phase: "prepared", updatedAt: referenceNow, actor: "root", detail: "next"))
        try await store.recordAuditEvent(AuditEvent(time: referenceNow, actor: "root", action: .certificateRenewed))
        return StateSample(limited: limited, unlimited: unlimited, upload: upload)
    }
}
