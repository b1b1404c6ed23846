import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIEtcdStore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Several `serve` replicas on one etcd: what one replica changes, every other one sees at once; when etcd cannot
/// answer, every route that needs the store says 503 and `/readyz` turns false, until etcd is back.
@Suite(.etcdServer, .serialized) struct ReplicasOnEtcdTests {
    static let secrets = "/api/v1/namespaces/kube-system/secrets"
    static let csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests"

    /// One replica: its own etcd connection and store on the shared prefix, its own router and cluster-info cache
    /// (an hour long, so that only a reported token change can refresh it).
    struct Replica {
        let store: EtcdStateStore
        let publisher: ClusterInfoPublisher
        let application: Application<RouterResponder<ServerContext>>

        init(cluster: TestCluster, prefix: String, index: Int, deadline: Duration = .seconds(5)) async throws {
            let server = try EtcdTestServer.required()
            let client = try EtcdClient(configuration: server.configuration(prefix: prefix, deadline: deadline))
            store = try await EtcdStateStore(client: client, storeKey: testKey)
            let clock = cluster.clock
            let environment = ServerEnvironment(
                store: store, tree: cluster.tree, authority: cluster.authority, caPEM: cluster.caPEM,
                advertiseURL: "https://192.0.2.1\(index):9443", peer: HeaderPeer(),
                now: { clock.withLockedValue { $0 } })
            publisher = ClusterInfoPublisher(environment: environment, maxAge: 3600)
            application = Application(
                router: ClusterPKIServer.router(environment: environment, clusterInfo: publisher).router)
        }
    }

    static func prefix() -> String { "/clusterpki-replicas-\(UUID().uuidString.prefix(8).lowercased())/" }

    static func signatures(_ client: some TestClientProtocol) async throws -> Set<String> {
        let response = try await client.execute(uri: APIPaths.clusterInfo, method: .get)
        let data = response.json["data"] as? [String: String] ?? [:]
        return Set(
            data.keys.filter { $0.hasPrefix("jws-kubeconfig-") }.map { String($0.dropFirst("jws-kubeconfig-".count)) })
    }

    /// Polls `condition` for up to `seconds`.
    static func eventually(_ seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let end = Date() + seconds
        while Date() < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    @Test func clusterInfoIsResignedOnEveryReplicaWhenATokenChangesOnAnother() async throws {
        let cluster = try TestCluster()
        let prefix = Self.prefix()
        let first = try await Replica(cluster: cluster, prefix: prefix, index: 1)
        let second = try await Replica(cluster: cluster, prefix: prefix, index: 2)
        let admin = try await cluster.credential(
            commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], record: false)
        let refresher = Task {
            try await ClusterInfoRefresher(
                feed: second.store, publisher: second.publisher, logger: Logger(label: "test")
            ).run()
        }
        defer { refresher.cancel() }
        try await first.application.test(.router) { one in
            try await second.application.test(.router) { two in
                #expect(try await Self.signatures(two).isEmpty)  // cached for an hour from now on
                // The watch starts in the background: create tokens through replica 1 until replica 2 saw one.
                var seen: String?
                for attempt in 0..<10 where seen == nil {
                    let id = String(format: "watch%01d", attempt)
                    let created = try await one.execute(
                        uri: Self.secrets, method: .post, headers: headers(credential: admin, contentType: true),
                        body: SecretsBody.token(id: id, secret: "0123456789abcdef"))
                    #expect(created.status == .created)
                    if try await Self.eventually(2, { try await Self.signatures(two).contains(id) }) { seen = id }
                }
                let id = try #require(seen)
                // Deleted through replica 1: replica 2 stops signing for it.
                let deleted = try await one.execute(
                    uri: "\(Self.secrets)/bootstrap-token-\(id)", method: .delete, headers: headers(credential: admin))
                #expect(deleted.status == .ok)
                #expect(try await Self.eventually { !(try await Self.signatures(two).contains(id)) })
                // Created directly in the store (as `clusterpki token create` on another node): replica 2 signs it.
                let token = try await first.store.createToken(TokenRequest(), actor: "cli", now: cluster.now)
                #expect(try await Self.eventually { try await Self.signatures(two).contains(token.id) })
            }
        }
    }

    @Test func aTokenDeletedOrUsedUpThroughOneReplicaIsRefusedByTheOtherAtOnce() async throws {
        let cluster = try TestCluster()
        let prefix = Self.prefix()
        let first = try await Replica(cluster: cluster, prefix: prefix, index: 1)
        let second = try await Replica(cluster: cluster, prefix: prefix, index: 2)
        let admin = try await cluster.credential(
            commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], record: false)
        let token = try await first.store.createToken(TokenRequest(), actor: "t", now: cluster.now)
        let limited = try await first.store.createToken(TokenRequest(maxUses: 2), actor: "t", now: cluster.now)
        try await first.application.test(.router) { one in
            try await second.application.test(.router) { two in
                // Replica 2 has seen the token (and remembers it) before replica 1 deletes it.
                #expect(
                    try await two.execute(uri: Self.csrs, method: .get, headers: headers(token: token.token.token))
                        .status == .ok)
                let deleted = try await one.execute(
                    uri: "\(Self.secrets)/bootstrap-token-\(token.id)", method: .delete,
                    headers: headers(credential: admin))
                #expect(deleted.status == .ok)
                #expect(
                    try await two.execute(uri: Self.csrs, method: .get, headers: headers(token: token.token.token))
                        .status
                        == .unauthorized)
                // Two uses in all, whichever replica grants them.
                #expect(
                    try await one.execute(uri: Self.csrs, method: .get, headers: headers(token: limited.token.token))
                        .status == .ok)
                #expect(
                    try await two.execute(uri: Self.csrs, method: .get, headers: headers(token: limited.token.token))
                        .status == .ok)
                #expect(
                    try await one.execute(uri: Self.csrs, method: .get, headers: headers(token: limited.token.token))
                        .status
                        == .unauthorized)
                #expect(
                    try await two.execute(uri: Self.csrs, method: .get, headers: headers(token: limited.token.token))
                        .status
                        == .unauthorized)
            }
        }
    }

    /// The CSR cleaner on etcd: an approved CSR stored through one replica is deleted by another's cleaner after
    /// approvedTTL, with its audit event, and is gone for both; the certificate stays in the ledger.
    @Test func theCSRCleanerDeletesAnExpiredRequestForEveryReplica() async throws {
        let cluster = try TestCluster()
        let prefix = Self.prefix()
        let one = try await Replica(cluster: cluster, prefix: prefix, index: 1)
        let two = try await Replica(cluster: cluster, prefix: prefix, index: 2)
        let clock = cluster.clock
        let start = cluster.now
        let issuer = CSRIssuer(
            store: one.store, policy: cluster.policy,
            authorities: ClusterCAWatcher(fixed: cluster.authority, bundlePEM: cluster.caPEM),
            now: { clock.withLockedValue { $0 } })
        let approved = try await issuer.issue(
            try CSRCleanerTests.approved("on-etcd"), requester: CSRIssuerTests.bootstrapToken, client: "10.0.0.5")
        let serial = try #require(approved.certificate?.serialHex)
        let cleaner = CSRCleaner(
            store: two.store, ttls: CSRCleaner.TTLs(policy: cluster.policy.serverPolicy.certificateSigningRequests),
            logger: Logger(label: "test"), now: { clock.withLockedValue { $0 } })
        #expect(await cleaner.sweepOnce() == [])
        #expect(try await one.store.certificateRequests().map(\.name) == ["on-etcd"])
        clock.withLockedValue { $0 = start + 3601 }
        #expect(await cleaner.sweepOnce() == ["on-etcd"])
        #expect(try await one.store.certificateRequests().isEmpty)
        let deletions = try await one.store.auditEvents(limit: nil).filter { $0.action == .certificateRequestDeleted }
        #expect(
            deletions.map(\.detail) == [
                "on-etcd reason=ApprovedTTLExpired requester=system:bootstrap:abcdef approvedTTL=1h0m0s (policy server.certificateSigningRequests.approvedTTL)"
            ])
        #expect(try await one.store.credentials().contains { $0.serial == serial })
    }

    @Test func withoutEtcdEveryStoreRouteIs503AndReadyzRecovers() async throws {
        let server = try EtcdTestServer.required()
        let cluster = try TestCluster()
        let replica = try await Replica(cluster: cluster, prefix: Self.prefix(), index: 1, deadline: .seconds(1))
        let token = try await replica.store.createToken(TokenRequest(), actor: "t", now: cluster.now)
        try await replica.application.test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            server.pause()
            defer { server.resume() }
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.json["reason"] as? String == "ServiceUnavailable")
            #expect(ready.headers[.retryAfter] == "5")
            let listed = try await client.execute(
                uri: Self.csrs, method: .get, headers: headers(token: token.token.token))
            #expect(listed.status == .serviceUnavailable)
            #expect(listed.json["kind"] as? String == "Status")
            #expect(listed.json["reason"] as? String == "ServiceUnavailable")
            #expect(listed.headers[.retryAfter] == "5")
            // Routes that need no store still answer.
            #expect(try await client.execute(uri: "/livez", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/version", method: .get).status == .ok)
            server.resume()
            #expect(
                try await Self.eventually(15) { try await client.execute(uri: "/readyz", method: .get).status == .ok })
            #expect(
                try await client.execute(uri: Self.csrs, method: .get, headers: headers(token: token.token.token))
                    .status == .ok)
        }
    }
}

/// Bodies of kubectl's requests.
enum SecretsBody {
    /// A bootstrap-token Secret as `kubectl create -f` sends it.
    static func token(id: String, secret: String) -> ByteBuffer {
        let object: [String: Any] = [
            "apiVersion": "v1", "kind": "Secret",
            "metadata": ["name": "bootstrap-token-\(id)", "namespace": "kube-system"],
            "type": "bootstrap.kubernetes.io/token",
            "stringData": [
                "token-id": id, "token-secret": secret, "usage-bootstrap-authentication": "true",
                "usage-bootstrap-signing": "true",
                "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token",
            ],
        ]
        return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }
}
