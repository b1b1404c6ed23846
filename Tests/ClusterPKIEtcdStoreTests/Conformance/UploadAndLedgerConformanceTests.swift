import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// UploadAndLedgerTests and RotationPhaseStoreTests, run against both backends.
@Suite(.etcdServer) struct UploadAndLedgerConformanceTests {
    @Test(arguments: Backend.allCases)
    func uploadIsBoundToAProxyTokenAndDeletedAtExpiry(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let blobs = ["ca.crt": Data([1, 2, 3]), "etcd-ca.key": Data([4, 5]), "sa.pub": Data()]
            let upload = try await store.storeUpload(
                name: Upload.kubeadmCertsName, blobs: blobs, ttl: Upload.defaultTTL, actor: "root", now: referenceNow)
            #expect(upload.expires == referenceNow.addingTimeInterval(7200))
            let proxy = try #require(try await store.token(id: upload.proxyTokenID, now: referenceNow))
            #expect(proxy.usages.isEmpty && proxy.groups.isEmpty)
            #expect(proxy.description == "Proxy for managing TTL for the kubeadm-certs secret")
            #expect(
                try await store.upload(named: "kubeadm-certs", now: referenceNow.addingTimeInterval(7199)).blobs
                    == blobs)
            #expect(try await fixture.count(.uploadBlobs) == 3)

            await #expect(throws: StoreError.uploadNotFound(name: "kubeadm-certs")) {
                try await store.upload(named: "kubeadm-certs", now: referenceNow.addingTimeInterval(7200))
            }
            #expect(try await fixture.count(.uploads) == 0)
            #expect(try await fixture.count(.uploadBlobs) == 0)
            #expect(try await fixture.count(.tokens) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func reuploadReplacesBlobsAndProxyToken(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let first = try await store.storeUpload(
                name: "kubeadm-certs", blobs: ["ca.crt": Data([1])], ttl: Upload.defaultTTL, actor: "r",
                now: referenceNow)
            let later = referenceNow.addingTimeInterval(3600)
            let second = try await store.storeUpload(
                name: "kubeadm-certs", blobs: ["ca.key": Data([2])], ttl: Upload.defaultTTL, actor: "r", now: later)
            #expect(first.proxyTokenID != second.proxyTokenID)
            #expect(try await store.token(id: first.proxyTokenID, now: later) == nil)
            let fetched = try await store.upload(named: "kubeadm-certs", now: referenceNow.addingTimeInterval(7300))
            #expect(fetched.blobs == ["ca.key": Data([2])])
            #expect(try await fixture.count(.uploadBlobs) == 1)
            #expect(try await fixture.count(.tokens) == 1)
            let actions = try await store.auditEvents(limit: nil).map(\.action)
            #expect(actions == [.tokenCreated, .uploadStored, .tokenDeleted, .tokenCreated, .uploadStored])
        }
    }

    @Test(arguments: Backend.allCases)
    func sweepAndTokenDeletionTakeTheUploadAlong(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            _ = try await store.storeUpload(
                name: "kubeadm-certs", blobs: ["ca.crt": Data([1])], ttl: Upload.defaultTTL, actor: "r",
                now: referenceNow)
            #expect(try await store.sweepExpired(now: referenceNow.addingTimeInterval(7201)) == 1)
            #expect(try await fixture.count(.uploads) == 0)
            #expect(try await fixture.count(.uploadBlobs) == 0)

            let again = try await store.storeUpload(
                name: "kubeadm-certs", blobs: ["ca.crt": Data([1])], ttl: Upload.defaultTTL, actor: "r",
                now: referenceNow)
            try await store.deleteToken(id: again.proxyTokenID, actor: "r", now: referenceNow)
            #expect(try await fixture.count(.uploads) == 0)
            await #expect(throws: StoreError.uploadNotFound(name: "kubeadm-certs")) {
                try await store.upload(named: "kubeadm-certs", now: referenceNow)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func uploadsAreDeletedAndFetchesCounted(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let upload = try await store.storeUpload(
                name: "kubeadm-certs", blobs: ["ca.crt": Data([1])], ttl: Upload.defaultTTL, actor: "r",
                now: referenceNow)
            #expect(
                try await store.countUploadFetch(
                    name: "kubeadm-certs", actor: "10.0.0.5", tokenID: "abcdef", now: referenceNow) == 1)
            // Concurrent fetches through separate stores all count.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<5 {
                    let replica = try await fixture.openAnother()
                    group.addTask {
                        try await replica.countUploadFetch(
                            name: "kubeadm-certs", actor: "n", tokenID: nil, now: referenceNow)
                    }
                }
                #expect(try await group.reduce(into: Set<Int>()) { $0.insert($1) } == [2, 3, 4, 5, 6])
            }
            #expect(try await store.upload(named: "kubeadm-certs", now: referenceNow).blobs == ["ca.crt": Data([1])])
            let fetched = try await store.auditEvents(limit: nil).filter { $0.action == .uploadFetched }
            #expect(fetched.count == 6 && fetched.first?.detail == "kubeadm-certs fetch=1")

            try await store.deleteUpload(named: "kubeadm-certs", actor: "r", now: referenceNow)
            #expect(try await store.token(id: upload.proxyTokenID, now: referenceNow) == nil)
            await #expect(throws: StoreError.uploadNotFound(name: "kubeadm-certs")) {
                try await store.deleteUpload(named: "kubeadm-certs", actor: "r", now: referenceNow)
            }
            await #expect(throws: StoreError.uploadNotFound(name: "kubeadm-certs")) {
                try await store.countUploadFetch(name: "kubeadm-certs", actor: "n", tokenID: nil, now: referenceNow)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func ledgerRecordsListsAndRevokes(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let notAfter = referenceNow.addingTimeInterval(86_400)
            let a = try IssuedCredential(
                serial: "0A:1B:2c", commonName: "jane", organizations: ["dev", "ops"], notAfter: notAfter,
                created: referenceNow, actor: "root")
            let b = try IssuedCredential(
                serial: "ff01", commonName: "jane", organizations: [], notAfter: notAfter,
                created: referenceNow.addingTimeInterval(1), actor: "root")
            let c = try IssuedCredential(
                serial: "beef", commonName: "joe", organizations: [], notAfter: notAfter,
                created: referenceNow.addingTimeInterval(2), actor: "sudo-user")
            for credential in [c, a, b] { try await store.recordCredential(credential) }
            await #expect(throws: StoreError.credentialAlreadyRecorded(serial: "beef")) {
                try await store.recordCredential(c)
            }
            #expect(try await store.credentials() == [a, b, c])

            let revoked = try await store.revokeCredential(serial: "00BEEF", actor: "admin", now: referenceNow)
            #expect(revoked.revoked == referenceNow && revoked.revokedBy == "admin")
            let again = try await store.revokeCredential(
                serial: "beef", actor: "other", now: referenceNow.addingTimeInterval(9))
            #expect(again.revokedBy == "admin" && again.revoked == referenceNow)
            #expect(try await store.isRevoked(serial: "be:ef"))
            #expect(try await !store.isRevoked(serial: "a1b2c"))
            #expect(try await !store.isRevoked(serial: "123456"))

            let janes = try await store.revokeCredentials(clientName: "jane", actor: "admin", now: referenceNow)
            #expect(janes.map(\.serial) == ["a1b2c", "ff01"] && janes.allSatisfy(\.isRevoked))
            #expect(try await store.isRevoked(serial: "0a1b2c"))
            await #expect(throws: StoreError.noCredentialsForClient(name: "nobody")) {
                try await store.revokeCredentials(clientName: "nobody", actor: "admin", now: referenceNow)
            }
            await #expect(throws: StoreError.credentialNotFound(serial: "abc")) {
                try await store.revokeCredential(serial: "abc", actor: "admin", now: referenceNow)
            }
            let events = try await store.auditEvents(limit: nil)
            #expect(events.filter { $0.action == .credentialRecorded }.count == 3)
            #expect(
                events.filter { $0.action == .credentialRevoked }.map(\.detail) == ["serial=beef", "cn=jane count=2"])
        }
    }

    @Test(arguments: Backend.allCases)
    func rotationPhasesAreUpsertedPerSubjectAndAudited(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            #expect(try await store.rotationPhase("sa") == nil)
            try await store.recordRotationPhase(
                RotationPhase(subject: "sa", phase: "prepared", updatedAt: referenceNow, actor: "root", detail: "new=x")
            )
            try await store.recordRotationPhase(
                RotationPhase(subject: "ca", phase: "prepared", updatedAt: referenceNow, actor: "root"))
            let later = referenceNow.addingTimeInterval(60)
            try await store.recordRotationPhase(
                RotationPhase(subject: "sa", phase: "finished", updatedAt: later, actor: "admin", detail: "key=x"))
            #expect(
                try await store.rotationPhase("sa")
                    == RotationPhase(
                        subject: "sa", phase: "finished", updatedAt: later, actor: "admin", detail: "key=x"))
            // Another process (replica) sees the same phase.
            #expect(try await fixture.openAnother().rotationPhase("ca")?.phase == "prepared")
            #expect(try await fixture.count(.rotationPhases) == 2)
            let events = try await store.auditEvents(limit: nil).filter { $0.action == .rotationPhase }
            #expect(events.map(\.detail) == ["sa prepared new=x", "ca prepared ", "sa finished key=x"])
        }
    }
}
