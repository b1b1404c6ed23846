import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
@testable import ClusterPKISQLiteStore

@Suite struct UploadAndLedgerTests {
    @Test func uploadIsBoundToAProxyTokenAndDeletedAtExpiry() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let blobs = ["ca.crt": Data([1, 2, 3]), "etcd-ca.key": Data([4, 5]), "sa.pub": Data()]
        let upload = try await store.storeUpload(
            name: Upload.kubeadmCertsName, blobs: blobs, ttl: Upload.defaultTTL, actor: "root", now: referenceNow)
        #expect(upload.expires == referenceNow.addingTimeInterval(7200))
        let proxy = try #require(try await store.token(id: upload.proxyTokenID, now: referenceNow))
        #expect(proxy.usages.isEmpty && proxy.groups.isEmpty)
        #expect(proxy.description == "Proxy for managing TTL for the kubeadm-certs secret")
        #expect(try await store.upload(named: "kubeadm-certs", now: referenceNow.addingTimeInterval(7199)).blobs == blobs)

        await #expect(throws: StoreError.uploadNotFound(name: "kubeadm-certs")) {
            try await store.upload(named: "kubeadm-certs", now: referenceNow.addingTimeInterval(7200))
        }
        #expect(try rawCount(store.path, "SELECT count(*) FROM upload") == 0)
        #expect(try rawCount(store.path, "SELECT count(*) FROM uploadBlob") == 0)
        #expect(try rawCount(store.path, "SELECT count(*) FROM bootstrapToken") == 0)
    }

    @Test func reuploadReplacesBlobsAndProxyToken() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let first = try await store.storeUpload(name: "kubeadm-certs", blobs: ["ca.crt": Data([1])], actor: "r", now: referenceNow)
        let later = referenceNow.addingTimeInterval(3600)
        let second = try await store.storeUpload(name: "kubeadm-certs", blobs: ["ca.key": Data([2])], actor: "r", now: later)
        #expect(first.proxyTokenID != second.proxyTokenID)
        #expect(try await store.token(id: first.proxyTokenID, now: later) == nil)
        let fetched = try await store.upload(named: "kubeadm-certs", now: referenceNow.addingTimeInterval(7300))
        #expect(fetched.blobs == ["ca.key": Data([2])])
        #expect(try rawCount(store.path, "SELECT count(*) FROM uploadBlob") == 1)
    }

    @Test func sweepDeletesExpiredUploads() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        _ = try await store.storeUpload(name: "kubeadm-certs", blobs: ["ca.crt": Data([1])], actor: "r", now: referenceNow)
        #expect(try await store.sweepExpired(now: referenceNow.addingTimeInterval(7201)) == 1)
        #expect(try rawCount(store.path, "SELECT count(*) FROM upload") == 0)
        #expect(try rawCount(store.path, "SELECT count(*) FROM uploadBlob") == 0)
    }

    @Test func ledgerRecordsListsAndRevokes() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let notAfter = referenceNow.addingTimeInterval(86_400)
        let a = try IssuedCredential(
            serial: "0A:1B:2c", commonName: "jane", organizations: ["dev", "ops"], notAfter: notAfter, created: referenceNow, actor: "root")
        let b = try IssuedCredential(
            serial: "ff01", commonName: "jane", organizations: [], notAfter: notAfter, created: referenceNow.addingTimeInterval(1), actor: "root")
        let c = try IssuedCredential(
            serial: "beef", commonName: "joe", organizations: [], notAfter: notAfter, created: referenceNow.addingTimeInterval(2), actor: "sudo-user")
        for credential in [a, b, c] { try await store.recordCredential(credential) }
        #expect(a.serial == "a1b2c")
        await #expect(throws: StoreError.credentialAlreadyRecorded(serial: "beef")) { try await store.recordCredential(c) }
        #expect(try await store.credentials() == [a, b, c])

        let revoked = try await store.revokeCredential(serial: "00BEEF", actor: "admin", now: referenceNow)
        #expect(revoked.revoked == referenceNow && revoked.revokedBy == "admin")
        #expect(try await store.isRevoked(serial: "be:ef"))
        #expect(try await !store.isRevoked(serial: "a1b2c"))
        #expect(try await !store.isRevoked(serial: "123456"))

        let janes = try await store.revokeCredentials(clientName: "jane", actor: "admin", now: referenceNow)
        #expect(janes.map(\.serial) == ["a1b2c", "ff01"])
        #expect(try await store.isRevoked(serial: "0a1b2c"))
        await #expect(throws: StoreError.noCredentialsForClient(name: "nobody")) {
            try await store.revokeCredentials(clientName: "nobody", actor: "admin", now: referenceNow)
        }
        await #expect(throws: StoreError.credentialNotFound(serial: "abc")) {
            try await store.revokeCredential(serial: "abc", actor: "admin", now: referenceNow)
        }
        #expect(throws: StoreError.invalidSerial("xyz")) { try IssuedCredential.normalizeSerial("xyz") }
        let actions = try await store.auditEvents(limit: nil).map(\.action)
        #expect(actions.filter { $0 == .credentialRecorded }.count == 3)
        #expect(actions.filter { $0 == .credentialRevoked }.count == 2)
    }
}
