import ClusterPKIAPI
import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct DiscoveryAndClusterInfoTests {
    @Test func versionSaysMinor32() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: "/version", method: .get)
            #expect(response.status == .ok)
            #expect(response.json["minor"] as? String == "32")
            #expect(response.json["major"] as? String == "1")
        }
    }

    @Test(arguments: [
        ("/api", "APIVersions"), ("/apis", "APIGroupList"), ("/api/v1", "APIResourceList"),
        ("/apis/certificates.k8s.io/v1", "APIResourceList"), ("/apis/clusterpki.io/v1alpha1", "APIResourceList"),
    ])
    func discoveryDocuments(path: String, kind: String) async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(
                uri: path, method: .get, headers: [.authorization: "Basic YW5vbnltb3VzOg=="])
            #expect(response.status == .ok)
            #expect(response.json["kind"] as? String == kind)
            if kind == "APIResourceList" {
                for resource in response.json["resources"] as? [[String: Any]] ?? [] {
                    #expect(
                        resource["name"] != nil && resource["kind"] != nil && resource["namespaced"] != nil
                            && resource["verbs"] != nil)
                }
            }
        }
    }

    @Test func openAPIGateForKubectlCreate() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let root = try await client.execute(uri: "/openapi/v3", method: .get).json
            let paths = try #require(root["paths"] as? [String: Any])
            #expect(paths.keys.contains("api/v1") && paths.keys.contains("apis/certificates.k8s.io/v1"))
            let gv = try await client.execute(uri: "/openapi/v3/apis/certificates.k8s.io/v1", method: .get).json
            let patch = try #require(
                ((gv["paths"] as? [String: Any])?["/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}"]
                    as? [String: Any])?["patch"] as? [String: Any])
            #expect(
                (patch["x-kubernetes-group-version-kind"] as? [String: String])?["kind"] == "CertificateSigningRequest")
            #expect((patch["parameters"] as? [[String: Any]])?.first?["name"] as? String == "fieldValidation")
        }
    }

    @Test(arguments: ["kube-system", "kube-public", "default"])
    func namespacesExist(name: String) async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/namespaces/\(name)", method: .get)
            #expect(response.status == .ok)
            #expect(response.json["kind"] as? String == "Namespace")
            #expect((response.json["metadata"] as? [String: Any])?["name"] as? String == name)
            let missing = try await client.execute(uri: "/api/v1/namespaces/nope", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.json["message"] as? String == "namespaces \"nope\" not found")
        }
    }

    @Test(arguments: ["/healthz", "/livez", "/readyz"])
    func healthIsPlainOK(path: String) async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(response.text == "ok")
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    /// Anonymous; one signature per live signing token; none for tokens without `signing` or expired.
    @Test func clusterInfoSignsWithEverySigningToken() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        _ = try await cluster.token("ghijkl.0123456789abcdef", ttl: 60)
        _ = try await cluster.token("nosign.0123456789abcdef", usages: [.authentication])
        let environment = cluster.environment()
        try await cluster.application(environment).test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/namespaces/kube-public/configmaps/cluster-info", method: .get,
                headers: [.authorization: "Basic YW5vbnltb3VzOg=="])
            #expect(response.status == .ok)
            #expect(response.json["kind"] as? String == "ConfigMap")
            let data = try #require(response.json["data"] as? [String: String])
            let kubeconfig = try #require(data["kubeconfig"])
            #expect(kubeconfig == ClusterInfoKubeconfig.render(caPEM: cluster.caPEM, server: "https://192.0.2.10:9443"))
            #expect(Set(data.keys) == ["kubeconfig", "jws-kubeconfig-abcdef", "jws-kubeconfig-ghijkl"])
            #expect(
                DetachedJWS.isValid(
                    data["jws-kubeconfig-abcdef"]!, content: kubeconfig, tokenID: "abcdef",
                    tokenSecret: "0123456789abcdef"))

            // After the 60 s token expires (and the 1 s cache with it), its signature disappears.
            cluster.advance(120)
            let later = try await client.execute(
                uri: "/api/v1/namespaces/kube-public/configmaps/cluster-info", method: .get)
            let laterData = try #require(later.json["data"] as? [String: String])
            #expect(Set(laterData.keys) == ["kubeconfig", "jws-kubeconfig-abcdef"])

            let other = try await client.execute(uri: "/api/v1/namespaces/kube-public/configmaps/other", method: .get)
            #expect(other.status == .notFound)
        }
    }

    @Test func unknownPathIsAStatus() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/v2/nothing", method: .get)
            #expect(response.status == .notFound)
            #expect(response.json["kind"] as? String == "Status")
            #expect(response.json["reason"] as? String == "NotFound")
            #expect(response.json["code"] as? Int == 404)
            #expect(response.json["status"] as? String == "Failure")
        }
    }
}
