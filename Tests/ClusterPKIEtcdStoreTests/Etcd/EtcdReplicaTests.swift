import ClusterPKIEtcdStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// What must hold across replicas sharing one etcd: use limits, leases, and change notifications.
@Suite(.etcdServer) struct EtcdReplicaTests {
    @Test func fiveUsesRacedByThirtyAuthenticationsThroughThreeReplicasSucceedExactlyFiveTimes() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let token = try await fixture.store.createToken(TokenRequest(maxUses: 5), actor: "t", now: referenceNow)
            var replicas: [StoreUnderTest] = []
            for _ in 0..<3 { replicas.append(try await fixture.openAnother()) }
            let outcomes = await withTaskGroup(of: Result<Int?, StoreError>.self) { group in
                for index in 0..<30 {
                    let replica = replicas[index % 3]
                    group.addTask {
                        do {
                            let identity = try await replica.authenticate(
                                token.token.token, client: "10.1.0.\(index)", policy: .default, now: referenceNow)
                            return .success(identity.usesLeft)
                        } catch let error as StoreError {
                            return .failure(error)
                        } catch {
                            return .failure(.etcd(detail: "\(error)"))
                        }
                    }
                }
                return await group.reduce(into: [Result<Int?, StoreError>]()) { $0.append($1) }
            }
            let successes = outcomes.compactMap { try? $0.get() }
            #expect(successes.count == 5)
            // Each success saw a different number of uses left: no use was granted twice.
            #expect(Set(successes) == [0, 1, 2, 3, 4])
            for case .failure(let error) in outcomes {
                switch error {
                case .tokenExpired(let id): #expect(id == token.id)
                case .tooManyAttempts: break  // the failures on the token id lock it out, as on SQLite
                default: Issue.record("unexpected refusal: \(error)")
                }
            }
            #expect(try await fixture.store.token(id: token.id, now: referenceNow)?.usesLeft == 0)
            let audited = try await fixture.store.auditEvents(limit: nil).filter { $0.action == .authenticated }
            #expect(audited.count == 5)
        }
    }

    @Test func aTokenWhoseLeaseExpiredIsGoneAndRefused() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let client = try fixture.etcdClient()
            let store = try await EtcdStateStore(client: client, storeKey: testKey, leaseGrace: 0)
            let now = Date()
            let token = try await store.createToken(TokenRequest(ttl: 2), actor: "t", now: now)
            let kv = try #require(try await client.get(fixture.prefix + "tokens/\(token.id)"))
            #expect(kv.lease != 0)
            let (ttl, keys) = try await client.leaseTimeToLive(kv.lease)
            // A 2 s lease (not the default hour, not none); 0 when the TTL query came late on a loaded machine.
            #expect((0...2).contains(ttl))
            #expect(keys == [fixture.prefix + "tokens/\(token.id)"])
            // etcd deletes the key when the lease expires (its checker runs about every 500 ms).
            let clock = ContinuousClock()
            let giveUp = clock.now.advanced(by: .seconds(15))
            while try await client.get(kv.keyString) != nil, clock.now < giveUp {
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(try await client.get(kv.keyString) == nil)
            // Refused even by a caller whose clock still says the token is valid.
            await #expect(throws: StoreError.tokenNotFound(id: token.id)) {
                try await store.authenticate(token.token.token, client: "c", policy: .default, now: now)
            }
            #expect(try await store.token(id: token.id, now: now) == nil)
        }
    }

    @Test func theStoredExpiryWinsOverALeaseStillRunning() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let token = try await fixture.store.createToken(TokenRequest(ttl: 3600), actor: "t", now: referenceNow)
            let client = try fixture.etcdClient()
            let kv = try #require(try await client.get(fixture.prefix + "tokens/\(token.id)"))
            #expect(try await client.leaseTimeToLive(kv.lease).ttl > 3000)
            await #expect(throws: StoreError.tokenNotFound(id: token.id)) {
                try await fixture.store.authenticate(
                    token.token.token, client: "c", policy: .default, now: referenceNow.addingTimeInterval(3600))
            }
        }
    }

    @Test func theUploadAndItsProxyTokenShareATwoHourLease() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let upload = try await fixture.store.storeUpload(
                name: Upload.kubeadmCertsName, blobs: ["ca.crt": Data([1])], ttl: Upload.defaultTTL, actor: "r",
                now: referenceNow)
            let client = try fixture.etcdClient()
            let kv = try #require(try await client.get(fixture.prefix + "uploads/kubeadm-certs"))
            let (ttl, keys) = try await client.leaseTimeToLive(kv.lease)
            // Two hours plus the default minute of grace, less the time the test took.
            #expect((7200...7260).contains(ttl))
            #expect(
                Set(keys) == [
                    fixture.prefix + "uploads/kubeadm-certs", fixture.prefix + "tokens/\(upload.proxyTokenID)",
                ])
        }
    }

    @Test func tokenChangesThroughOneReplicaAreSeenByAnother() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let watcher = try await EtcdStateStore(client: try fixture.etcdClient(), storeKey: testKey)
            let changes = watcher.tokenChanges()
            // The watch starts asynchronously: give it a moment before writing through the other replica.
            try await Task.sleep(for: .milliseconds(500))
            let other = try await fixture.openAnother()
            let token = try await other.createToken(TokenRequest(maxUses: 2), actor: "t", now: referenceNow)
            _ = try await other.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
            try await other.deleteToken(id: token.id, actor: "t", now: referenceNow)
            var seen: [TokenChange] = []
            let collector = Task {
                var seen: [TokenChange] = []
                for await change in changes {
                    seen.append(change)
                    if seen.count == 2 { break }
                }
                return seen
            }
            let timeout = Task {
                try await Task.sleep(for: .seconds(10))
                collector.cancel()
            }
            seen = await collector.value
            timeout.cancel()
            // The use consumed in between is an update, not reported.
            #expect(seen == [.created(id: token.id), .deleted(id: token.id)])
        }
    }
}
