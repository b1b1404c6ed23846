import ClusterPKIAPI
import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// No protected route is reachable without the right identity.
@Suite struct AuthMatrixTests {
    enum Who: String, CaseIterable, Sendable {
        case anonymous, basic, token, otherGroupToken, expiredToken, exhaustedToken, wrongSecret, malformed
        case admin, revokedAdmin, expiredAdmin, otherCA, node
    }

    struct Probe: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var testDescription: String { "\(method) \(path)" }
    }

    static let probes: [Probe] = [
        Probe(method: .get, path: "/api/v1/namespaces/kube-system/secrets"),
        Probe(method: .post, path: "/api/v1/namespaces/kube-system/secrets", body: "{}"),
        Probe(method: .get, path: "/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef"),
        Probe(method: .delete, path: "/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef"),
        Probe(method: .get, path: "/api/v1/namespaces/kube-system/secrets/kubeadm-certs"),
        Probe(method: .post, path: "/apis/certificates.k8s.io/v1/certificatesigningrequests", body: "{}"),
        Probe(method: .get, path: "/apis/certificates.k8s.io/v1/certificatesigningrequests"),
        Probe(method: .get, path: "/apis/certificates.k8s.io/v1/certificatesigningrequests/x"),
        Probe(method: .post, path: "/apis/clusterpki.io/v1alpha1/userkubeconfigs", body: "{}"),
        Probe(method: .post, path: "/apis/clusterpki.io/v1alpha1/certificateuploads", body: "{}"),
        Probe(method: .post, path: "/apis/clusterpki.io/v1alpha1/issuedcredentials", body: "{}"),
    ]

    /// The expected status per identity: 401 for bad credentials, 403 for a valid identity without the right.
    static func expected(_ who: Who, _ probe: Probe) -> Set<Int> {
        let admin: Set<Int> = [200, 201, 400, 404, 422]
        let csrRoute = probe.path.contains("certificatesigningrequests")
        // Whoever may download kubeadm-certs may report what it minted with them (issuedcredentials).
        let certsRoute = probe.path.hasSuffix("kubeadm-certs") || probe.path.hasSuffix("issuedcredentials")
        switch who {
        case .anonymous, .basic: return [403]
        case .expiredToken, .exhaustedToken, .wrongSecret, .malformed, .revokedAdmin, .expiredAdmin, .otherCA:
            return [401]
        case .token: return csrRoute || certsRoute ? admin : [403]
        case .otherGroupToken: return [403]
        case .node: return csrRoute ? admin : [403]
        case .admin: return admin
        }
    }

    @Test(arguments: probes)
    func everyIdentityOnEveryProtectedRoute(_ probe: Probe) async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        _ = try await cluster.token("zzzzzz.0123456789abcdef", groups: ["system:bootstrappers:other"])
        _ = try await cluster.token("expire.0123456789abcdef", ttl: 10)
        _ = try await cluster.token("onceon.0123456789abcdef", maxUses: 1)
        let admin = try await cluster.admin()
        let revoked = try await cluster.admin()
        _ = try await cluster.store.revokeCredential(serial: revoked.serial, actor: "test", now: cluster.now)
        let expiredAdmin = try await cluster.credential(
            commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], notAfter: cluster.now + 5)
        let otherCA = try TestCluster.makeCA(commonName: "kubernetes", now: cluster.now)
        let foreign = try await cluster.credential(
            commonName: "kubernetes-admin", organizations: ["system:masters"], issuer: otherCA)
        let node = try await cluster.credential(commonName: "system:node:worker-1", organizations: ["system:nodes"])
        try await cluster.application().test(.router) { client in
            // Use the one-shot token once, then let the short tokens and certificates expire.
            _ = try await client.execute(
                uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests", method: .get,
                headers: headers(token: "onceon.0123456789abcdef"))
            cluster.advance(60)
            for who in Who.allCases {
                var fields: HTTPFields
                switch who {
                case .anonymous: fields = [:]
                case .basic: fields = [.authorization: "Basic YW5vbnltb3VzOg=="]
                case .token: fields = headers(token: "abcdef.0123456789abcdef")
                case .otherGroupToken: fields = headers(token: "zzzzzz.0123456789abcdef")
                case .expiredToken: fields = headers(token: "expire.0123456789abcdef")
                case .exhaustedToken: fields = headers(token: "onceon.0123456789abcdef")
                case .wrongSecret: fields = headers(token: "abcdef.aaaaaaaaaaaaaaaa", address: "198.51.100.7")
                case .malformed: fields = headers(token: "not-a-token", address: "198.51.100.8")
                case .admin: fields = headers(credential: admin)
                case .revokedAdmin: fields = headers(credential: revoked)
                case .expiredAdmin: fields = headers(credential: expiredAdmin)
                case .otherCA: fields = headers(credential: foreign)
                case .node: fields = headers(credential: node)
                }
                if probe.body != nil { fields[.contentType] = "application/json" }
                let response = try await client.execute(
                    uri: probe.path, method: probe.method, headers: fields,
                    body: probe.body.map { ByteBuffer(string: $0) })
                let code = Int(response.status.code)
                #expect(
                    Self.expected(who, probe).contains(code),
                    "\(who) on \(probe.method) \(probe.path) got \(code): \(response.text)")
                #expect(response.json["kind"] as? String == "Status" || code < 300, "\(who): error is not a Status")
            }
        }
    }

    @Test func aTokenWithoutAUseLimitIsCheckedOnTheReadOnlyPathAndMetered() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        let environment = cluster.environment()
        try await cluster.application(environment).test(.router) { client in
            for _ in 0..<3 {
                let response = try await client.execute(
                    uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests/missing", method: .get,
                    headers: headers(token: "abcdef.0123456789abcdef", address: "203.0.113.7"))
                #expect(response.status == .notFound)
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains("clusterpki_token_check_duration_seconds_count{path=\"read_only\"} 3"))
            #expect(!metrics.contains("clusterpki_token_check_duration_seconds_count{path=\"write\"}"))
        }
    }

    @Test func bruteForceBackOffIsVisibleInMetricsAndAudit() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        let environment = cluster.environment()
        let path = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
        try await cluster.application(environment).test(.router) { client in
            // The kubeadm policy allows 5 failures a minute, then locks out the token id and the client for 5 minutes.
            for attempt in 0..<5 {
                let response = try await client.execute(
                    uri: path, method: .get,
                    headers: headers(
                        token: "abcdef.00000000000000\(String(format: "%02d", attempt))", address: "203.0.113.5"))
                #expect(response.status == .unauthorized)
                #expect(response.json["reason"] as? String == "Unauthorized")
            }
            let locked = try await client.execute(
                uri: path, method: .get, headers: headers(token: "abcdef.0123456789abcdef", address: "203.0.113.5"))
            #expect(locked.status == .tooManyRequests)
            #expect(locked.json["reason"] as? String == "TooManyRequests")
            #expect(locked.headers[.retryAfter] != nil)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains("clusterpki_token_auth_failures_total{reason=\"wrong_secret\"} 5"))
            #expect(metrics.text.contains("clusterpki_token_auth_failures_total{reason=\"locked_out\"} 1"))
            // Each wrong secret was looked at read-only, then counted on the write path; the locked-out request
            // never reached the store.
            #expect(metrics.text.contains("clusterpki_token_check_duration_seconds_count{path=\"read_only\"} 5"))
            #expect(metrics.text.contains("clusterpki_token_check_duration_seconds_count{path=\"write\"} 5"))
            #expect(
                metrics.text.contains("clusterpki_token_check_duration_seconds_bucket{path=\"write\",le=\"0.005\"}"))
            #expect(metrics.text.contains("clusterpki_http_requests_total"))
            #expect(metrics.text.contains("code=\"429\""))
        }
        // The failures cost no row each: the serve loop's maintenance writes one per client and token id per window.
        #expect(try await cluster.store.auditEvents(limit: nil).filter { $0.action == .authenticationFailed }.isEmpty)
        await AuditMaintenance(environment: environment, logger: Logger(label: "test")).tick()
        let failures = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .authenticationFailed }
        #expect(failures.count == 1)
        #expect(failures.first?.actor == "203.0.113.5" && failures.first?.tokenID == "abcdef")
        // Five wrong secrets and one refusal in back-off.
        #expect(failures.first?.detail.hasPrefix("failures=5 refused=1 ") == true)
    }

    @Test func unauthorizedAndForbiddenShapes() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("zzzzzz.0123456789abcdef", groups: ["system:bootstrappers:other"])
        try await cluster.application().test(.router) { client in
            let unauthorized = try await client.execute(
                uri: "/api/v1/namespaces/kube-system/secrets", method: .get,
                headers: headers(token: "nope00.0123456789abcdef"))
            #expect(unauthorized.json["kind"] as? String == "Status")
            #expect(unauthorized.json["apiVersion"] as? String == "v1")
            #expect(unauthorized.json["status"] as? String == "Failure")
            #expect(unauthorized.json["message"] as? String == "Unauthorized")
            #expect(unauthorized.json["code"] as? Int == 401)
            let forbidden = try await client.execute(
                uri: "/api/v1/namespaces/kube-system/secrets/kubeadm-certs", method: .get,
                headers: headers(token: "zzzzzz.0123456789abcdef"))
            #expect(
                forbidden.json["message"] as? String
                    == "secrets \"kubeadm-certs\" is forbidden: User \"system:bootstrap:zzzzzz\" cannot get resource \"secrets\" in API group \"\" in the namespace \"kube-system\""
            )
            #expect((forbidden.json["details"] as? [String: Any])?["kind"] as? String == "secrets")
        }
    }
}
