import ClusterPKITesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClusterPKIServer

/// A method a known path does not serve is 405 MethodNotAllowed with a `Status` and `Allow`; an unknown path stays 404.
@Suite struct MethodNotAllowedTests {
    @Test(arguments: [
        ("PUT", "/api/v1/namespaces/kube-system/secrets", "GET, POST"),
        ("PATCH", "/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef", "DELETE, GET"),
        ("DELETE", "/healthz", "GET"),
        ("GET", "/apis/clusterpki.io/v1alpha1/userkubeconfigs", "POST"),
        ("OPTIONS", "/apis/certificates.k8s.io/v1/certificatesigningrequests", "GET, POST"),
        ("HEAD", "/version", "GET"),
    ])
    func wrongMethodIs405WithAllow(method: String, path: String, allow: String) async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: path, method: HTTPRequest.Method(method)!)
            #expect(response.status.code == 405)
            #expect(response.headers[.allow] == allow)
            if method != "HEAD" {
                #expect(response.json["kind"] as? String == "Status")
                #expect(response.json["reason"] as? String == "MethodNotAllowed")
                #expect(response.json["code"] as? Int == 405)
            }
        }
    }

    @Test func unknownPathIsStill404() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            for (method, path) in [
                ("GET", "/nope"), ("PUT", "/api/v1/namespaces/kube-system/nothing"), ("GET", "/api/v1/namespaces/"),
            ] {
                let response = try await client.execute(uri: path, method: HTTPRequest.Method(method)!)
                #expect(response.status.code == 404, "\(method) \(path)")
                #expect(response.headers[.allow] == nil)
                #expect(response.json["reason"] as? String == "NotFound")
            }
        }
    }

    /// Made-up methods are counted as one `OTHER` series, so a client cannot add metric series without bound;
    /// the standard methods keep their names, and a series is counted up on every request.
    @Test func madeUpMethodsShareOneMetricSeries() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            for index in 0..<20 {
                let response = try await client.execute(uri: "/healthz", method: HTTPRequest.Method("BREW\(index)")!)
                #expect(response.status.code == 405)
            }
            for _ in 0..<3 { _ = try await client.execute(uri: "/healthz", method: .get) }
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(!metrics.contains("BREW"))
            let other = metrics.split(separator: "\n").filter {
                $0.hasPrefix(#"clusterpki_http_requests_total{method="OTHER""#)
            }
            #expect(other.count == 1)
            #expect(other.first?.hasSuffix(#"code="405"} 20"#) == true)
            #expect(metrics.contains(#"clusterpki_http_requests_total{method="GET",route="/healthz",code="200"} 3"#))
        }
    }

    /// Hummingbird's router ignores empty segments; the server does not: a name of `.` reaches it as a trailing slash
    /// (clients remove dot segments), and must not be answered with the list (a List where a CSR or Secret was asked).
    @Test(arguments: [
        "/apis/certificates.k8s.io/v1/certificatesigningrequests/",
        "/apis/certificates.k8s.io/v1/certificatesigningrequests//",
        "/api/v1/namespaces/kube-system/secrets/",
        "/api/v1/namespaces/kube-system/secrets//",
        "/api/v1/namespaces/kube-system/",
        "/apis/certificates.k8s.io/v1/",
        "/version/",
        "//version",
    ])
    func emptySegmentIsNotTheCollection(path: String) async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: path, method: .get, headers: headers(credential: admin))
            #expect(response.status.code == 404, "\(path)")
            #expect(response.json["kind"] as? String == "Status")
            #expect(response.json["reason"] as? String == "NotFound")
        }
    }

    @Test func statusPageKeepsItsTrailingSlash() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: "/ui/", method: .get)
            #expect(response.status.code != 404)
        }
    }

    @Test func routeTableMatchesTemplates() {
        let table = RouteTable([
            RouteDescription(method: "GET", path: "/api/v1/namespaces/{namespace}"),
            RouteDescription(method: "GET", path: "/api/v1/namespaces/{namespace}/secrets/{name}"),
            RouteDescription(method: "DELETE", path: "/api/v1/namespaces/{namespace}/secrets/{name}"),
        ])
        #expect(table.allowedMethods(for: "/api/v1/namespaces/kube-system") == ["GET"])
        #expect(table.allowedMethods(for: "/api/v1/namespaces/kube-system/secrets/x") == ["DELETE", "GET"])
        #expect(table.allowedMethods(for: "/api/v1/namespaces/kube-system/secrets").isEmpty)
        #expect(table.allowedMethods(for: "/api/v1/namespaces/").isEmpty)
    }
}
