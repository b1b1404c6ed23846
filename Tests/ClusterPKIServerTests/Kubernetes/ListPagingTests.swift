import ClusterPKIAPI
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `limit` and `continue` on the CSR and Secret lists, as `kubectl get --chunk-size` pages them.
@Suite struct ListPagingTests {
    static let csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests"

    /// Follows `continue` from the first page with `limit`, returning the names of each page and each page's resourceVersion.
    static func pages(
        _ client: some TestClientProtocol, path: String, limit: Int, credential: TestCredential
    ) async throws -> (names: [[String]], versions: Set<String>) {
        var names: [[String]] = []
        var versions = Set<String>()
        var token: String?
        repeat {
            let query = "limit=\(limit)" + (token.map { "&continue=\($0)" } ?? "")
            let response = try await client.execute(
                uri: "\(path)?\(query)", method: .get, headers: headers(credential: credential))
            #expect(response.status == .ok)
            let metadata = response.json["metadata"] as? [String: Any] ?? [:]
            let items = response.json["items"] as? [[String: Any]] ?? []
            names.append(items.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String })
            versions.insert(metadata["resourceVersion"] as? String ?? "")
            token = metadata["continue"] as? String
        } while token != nil && names.count < 20
        return (names, versions)
    }

    @Test func csrListIsServedInPagesThatCoverEveryRequestOnce() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        let pem = try TestCSR.pem(commonName: "system:node:n", organizations: ["system:nodes"])
        for name in ["csr-e", "csr-a", "csr-d", "csr-b", "csr-c"] {
            let object = try TestCSR.body(name: name, pem: pem)
            _ = try await cluster.store.createCertificateRequest(
                name: name, requester: "test", object: Data(object.readableBytesView), now: cluster.now)
        }
        try await cluster.application().test(.router) { client in
            let paged = try await Self.pages(client, path: Self.csrs, limit: 2, credential: admin)
            #expect(paged.names == [["csr-a", "csr-b"], ["csr-c", "csr-d"], ["csr-e"]])
            #expect(paged.versions.count == 1, "every page reports the first page's resourceVersion")

            let exact = try await Self.pages(client, path: Self.csrs, limit: 5, credential: admin)
            #expect(exact.names == [["csr-a", "csr-b", "csr-c", "csr-d", "csr-e"]])
            let unlimited = try await client.execute(
                uri: "\(Self.csrs)?limit=0", method: .get, headers: headers(credential: admin))
            #expect((unlimited.json["items"] as? [Any])?.count == 5)
        }
    }

    @Test(arguments: ["limit=null", "limit=-1", "limit=abc", "limit=2.5", "continue=not-a-token", "continue=e30"])
    func invalidPagingIsABadRequest(query: String) async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            for path in [Self.csrs, "/api/v1/namespaces/kube-system/secrets"] {
                let response = try await client.execute(
                    uri: "\(path)?\(query)", method: .get, headers: headers(credential: admin))
                #expect(response.status == .badRequest, "\(path)?\(query)")
                #expect(response.json["kind"] as? String == "Status")
            }
        }
    }

    @Test func secretListIsPaged() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        for token in ["aaaaaa.0123456789abcdef", "bbbbbb.0123456789abcdef", "cccccc.0123456789abcdef"] {
            _ = try await cluster.token(token)
        }
        try await cluster.application().test(.router) { client in
            let paged = try await Self.pages(
                client, path: "/api/v1/namespaces/kube-system/secrets", limit: 2, credential: admin)
            #expect(paged.names == [["bootstrap-token-aaaaaa", "bootstrap-token-bbbbbb"], ["bootstrap-token-cccccc"]])
        }
    }
}
