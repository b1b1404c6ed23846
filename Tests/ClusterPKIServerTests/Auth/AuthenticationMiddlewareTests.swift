import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Authentication happens once, in the middleware, and only on the routes that need an identity.
@Suite struct AuthenticationMiddlewareTests {
    static let anonymousPaths = [
        "/version", "/api", "/apis", "/api/v1", "/apis/certificates.k8s.io/v1", "/apis/clusterpki.io/v1alpha1",
        "/openapi/v3",
        "/openapi/v3/api/v1", "/openapi/v3/apis/certificates.k8s.io/v1", "/openapi/v3/apis/clusterpki.io/v1alpha1",
        "/healthz",
        "/livez", "/metrics", "/api/v1/namespaces/kube-system", "/api/v1/namespaces/kube-public",
    ]

    /// A cluster whose server counts its store calls.
    static func counted() throws -> (TestCluster, CountingStore, ServerEnvironment) {
        let cluster = try TestCluster()
        let store = CountingStore(cluster.store)
        var environment = cluster.environment()
        environment.store = store
        return (cluster, store, environment)
    }

    @Test func anonymousRoutesNeverReachTheStoreWhateverCredentialIsSent() async throws {
        let (cluster, store, environment) = try Self.counted()
        _ = try await cluster.token()
        let admin = try await cluster.admin()
        let credentials: [HTTPFields] = [
            [:], headers(token: "abcdef.0123456789abcdef"), headers(token: "abcdef.wrongwrongwrong0"),
            headers(credential: admin),
        ]
        store.reset()
        try await cluster.application(environment).test(.router) { client in
            for path in Self.anonymousPaths {
                for fields in credentials {
                    let response = try await client.execute(uri: path, method: .get, headers: fields)
                    #expect(response.status == .ok, "\(path): \(response.status)")
                }
            }
            let unknown = try await client.execute(
                uri: "/api/v1/namespaces/nope", method: .get, headers: headers(credential: admin))
            #expect(unknown.status == .notFound)
        }
        #expect(store.calls.isEmpty, "\(store.calls)")
    }

    @Test func clusterInfoAndReadinessReadOnlyWhatTheyServe() async throws {
        let (cluster, store, environment) = try Self.counted()
        _ = try await cluster.token()
        store.reset()
        try await cluster.application(environment).test(.router) { client in
            let info = try await client.execute(
                uri: "/api/v1/namespaces/kube-public/configmaps/cluster-info", method: .get,
                headers: headers(token: "abcdef.wrongwrongwrong0"))
            #expect(info.status == .ok)
            #expect(Set(store.calls.keys) == ["signingTokens"])
            store.reset()
            let ready = try await client.execute(
                uri: "/readyz", method: .get, headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(ready.status == .ok)
            // Readiness reads, and probes that the store can write (issue 13: not ready on a full disk); no auth.
            #expect(store.calls == ["certificateRequestsVersion": 1, "probeWrite": 1])
        }
    }

    @Test func protectedRoutesAuthenticateOncePerRequest() async throws {
        let (cluster, store, environment) = try Self.counted()
        _ = try await cluster.token()
        let admin = try await cluster.admin()
        try await cluster.application(environment).test(.router) { client in
            store.reset()
            let list = try await client.execute(
                uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests", method: .get,
                headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(list.status == .ok)
            // A token without a use limit is checked read-only; its success event is written on its own (at once
            // here: no write-behind runs in a router test).
            #expect(store.calls["authenticateReadOnly"] == 1)
            #expect(store.calls["authenticate"] == nil)
            #expect(store.calls["recordAuditEvent"] == 1)
            #expect(store.calls["isRevoked"] == nil)

            store.reset()
            let secrets = try await client.execute(
                uri: "/api/v1/namespaces/kube-system/secrets", method: .get, headers: headers(credential: admin))
            #expect(secrets.status == .ok)
            #expect(store.calls["isRevoked"] == 1)
            #expect(store.calls["authenticate"] == nil)

            store.reset()
            let anonymous = try await client.execute(uri: "/api/v1/namespaces/kube-system/secrets", method: .get)
            #expect(anonymous.status == .forbidden)
            #expect(store.calls.isEmpty, "\(store.calls)")
        }
    }

    /// The hot path: a kubelet client CSR costs the token check and one write (request, audit, ledger, node together).
    @Test func aCSRIsOneAuthenticationAndOneWrite() async throws {
        let (cluster, store, environment) = try Self.counted()
        _ = try await cluster.token()
        try await cluster.application(environment).test(.router) { client in
            store.reset()
            let created = try await client.execute(
                uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests", method: .post,
                headers: headers(token: "abcdef.0123456789abcdef", address: "10.0.0.31", contentType: true),
                body: try TestCSR.body(
                    name: "node-csr-c",
                    pem: try TestCSR.pem(commonName: "system:node:c", organizations: ["system:nodes"])))
            #expect(created.status == .created)
        }
        // The token is checked read-only and its success event rides in the CSR's own transaction: one write in all.
        #expect(store.calls == ["authenticateReadOnly": 1, "createCertificateRequest": 1])
        #expect(try await cluster.store.node(named: "c")?.addresses == ["10.0.0.31"])
        #expect(try await cluster.store.credentials().contains { $0.commonName == "system:node:c" })
        let events = try await cluster.store.auditEvents(limit: nil)
        let authenticated = events.filter { $0.action == .authenticated && $0.tokenID == "abcdef" }
        #expect(authenticated.count == 1)
        #expect(authenticated.first?.actor == "10.0.0.31")
        // Stored together, in order: the authentication, then the approval.
        #expect(
            events.suffix(4).map(\.action) == [
                .authenticated, .certificateRequestApproved, .credentialRecorded, .nodeRecorded,
            ])
    }

    /// A token with a use limit goes through the store's write path (the use is consumed there, with its event).
    @Test func aLimitedTokenIsConsumedByTheWritePath() async throws {
        let (cluster, store, environment) = try Self.counted()
        _ = try await cluster.token(maxUses: 2)
        try await cluster.application(environment).test(.router) { client in
            store.reset()
            let created = try await client.execute(
                uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests", method: .post,
                headers: headers(token: "abcdef.0123456789abcdef", address: "10.0.0.32", contentType: true),
                body: try TestCSR.body(
                    name: "node-csr-d",
                    pem: try TestCSR.pem(commonName: "system:node:d", organizations: ["system:nodes"])))
            #expect(created.status == .created)
        }
        #expect(store.calls == ["authenticateReadOnly": 1, "authenticate": 1, "createCertificateRequest": 1])
        #expect(try await cluster.store.token(id: "abcdef", now: cluster.now)?.usesLeft == 1)
        let events = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .authenticated }
        #expect(events.map(\.detail) == ["usesLeft=1"], "one success event, from the write path")
    }

    /// A CSR refused before its transaction (an undecodable body, 400) still leaves its authentication audited.
    @Test func aRefusedCSRStillAuditsItsAuthentication() async throws {
        let (cluster, store, environment) = try Self.counted()
        _ = try await cluster.token()
        try await cluster.application(environment).test(.router) { client in
            store.reset()
            let refused = try await client.execute(
                uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests", method: .post,
                headers: headers(token: "abcdef.0123456789abcdef", address: "10.0.0.33", contentType: true),
                body: ByteBuffer(string: "{not json"))
            #expect(refused.status == .badRequest)
        }
        #expect(store.calls == ["authenticateReadOnly": 1, "recordAuditEvent": 1])
        let events = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .authenticated }
        #expect(events.map(\.actor) == ["10.0.0.33"])
    }
}
