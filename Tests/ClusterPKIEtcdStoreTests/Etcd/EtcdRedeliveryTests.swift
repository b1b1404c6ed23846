import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKIEtcdStore

/// A write that a member applied but whose answer was lost is sent again to the next member (EtcdClient's failover).
/// Through a client that delivers every transaction twice, each logical write must still apply exactly once: one
/// audit event, one use consumed, no error for the caller.
@Suite(.etcdServer) struct EtcdRedeliveryTests {
    /// A store whose every transaction reaches etcd twice, on the fixture's prefix.
    func twiceDelivering(_ fixture: StoreFixture) async throws -> EtcdStateStore {
        let server = try EtcdTestServer.required()
        let client = try EtcdClient(
            configuration: server.configuration(prefix: fixture.prefix), deliveringTransactionsTwice: true)
        return try await EtcdStateStore(client: client, storeKey: testKey)
    }

    @Test func everyAuditedWriteAppliesOnce() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let store = try await twiceDelivering(fixture)
            let token = try await store.createToken(TokenRequest(maxUses: 3), actor: "alice", now: referenceNow)
            let first = try await store.authenticate(
                token.token.token, client: "c", policy: .default, now: referenceNow)
            #expect(first.usesLeft == 2)
            let second = try await store.authenticate(
                token.token.token, client: "c", policy: .default, now: referenceNow)
            #expect(second.usesLeft == 1)
            try await store.recordNode(
                NodeRecord(name: "n1", addresses: ["10.0.0.1"], recorded: referenceNow, recordedBy: "c"))
            try await store.recordRotationPhase(
                RotationPhase(subject: "sa", phase: "prepared", updatedAt: referenceNow, actor: "root"))
            try await store.recordAuditEvent(AuditEvent(time: referenceNow, actor: "root", action: .certificateRenewed))
            let upload = try await store.storeUpload(
                name: "kubeadm-certs", blobs: ["ca.crt": Data([1])], ttl: 3600, actor: "root", now: referenceNow)
            #expect(
                try await store.countUploadFetch(name: "kubeadm-certs", actor: "c", tokenID: nil, now: referenceNow)
                    == 1)
            try await store.recordCredential(
                try IssuedCredential(
                    serial: "0a", commonName: "bob", organizations: [], notAfter: referenceNow, created: referenceNow,
                    actor: "root"))
            _ = try await store.revokeCredential(serial: "0a", actor: "root", now: referenceNow)
            _ = try await store.createCertificateRequest(
                name: "csr-1", requester: "system:bootstrap:\(token.id)", object: Data("{}".utf8), now: referenceNow,
                recording: CertificateRequestRecords(
                    auditEvents: [AuditEvent(time: referenceNow, actor: "c", action: .certificateRequestApproved)]))
            _ = try await store.createCertificateRequest(
                name: "csr-2", requester: "system:bootstrap:\(token.id)", object: Data("{}".utf8), now: referenceNow)
            try await store.deleteUpload(named: "kubeadm-certs", actor: "root", now: referenceNow)
            try await store.deleteToken(id: token.id, actor: "alice", now: referenceNow)
            await #expect(throws: StoreError.tokenNotFound(id: "zzzzzz")) {
                try await store.authenticate(
                    "zzzzzz.0123456789abcdef", client: "d", policy: .default, now: referenceNow)
            }

            let actions = try await fixture.store.auditEvents(limit: nil).map(\.action)
            #expect(
                actions == [
                    .tokenCreated, .authenticated, .authenticated, .nodeRecorded, .rotationPhase, .certificateRenewed,
                    .tokenCreated, .uploadStored, .uploadFetched, .credentialRecorded, .credentialRevoked,
                    .certificateRequestApproved, .uploadDeleted, .tokenDeleted, .authenticationFailed,
                ])
            // One failure counted per subject, not two.
            let counters = try await fixture.etcdClient().list(prefix: fixture.prefix + "auth-failures/").kvs
            #expect(counters.count == 2)
            for kv in counters {
                let counter = try JSONDecoder().decode(AuthFailureCounter.self, from: kv.value)
                #expect(counter.failures == 1)
            }
            #expect(try await fixture.store.certificateRequests().map(\.name) == ["csr-1", "csr-2"])
            #expect(upload.proxyTokenID.count == 6)
        }
    }

    /// The marker is what tells "applied by an earlier delivery" from "changed by someone else": a real conflict still
    /// conflicts.
    @Test func aRealConflictIsStillRefused() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let store = try await twiceDelivering(fixture)
            let token = try BootstrapTokenString(parsing: "abcdef.0123456789abcdef")
            _ = try await fixture.store.createToken(TokenRequest(token: token), actor: "a", now: referenceNow)
            await #expect(throws: StoreError.tokenAlreadyExists(id: "abcdef")) {
                try await store.createToken(TokenRequest(token: token), actor: "b", now: referenceNow)
            }
            _ = try await fixture.store.createCertificateRequest(
                name: "csr", requester: "x", object: Data("{\"a\":1}".utf8), now: referenceNow)
            await #expect(throws: StoreError.certificateRequestAlreadyExists(name: "csr")) {
                try await store.createCertificateRequest(
                    name: "csr", requester: "y", object: Data("{\"b\":2}".utf8), now: referenceNow)
            }
        }
    }
}
