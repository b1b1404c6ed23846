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

/// `openapi.yaml` at the repository root describes exactly the routes the server registers.
@Suite struct OpenAPIDocumentTests {
    /// `(method, path)` pairs from the `paths:` section (two-space path keys, four-space method keys).
    static func documentedRoutes() throws -> Set<String> {
        let text = try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var routes = Set<String>()
        var inPaths = false
        var currentPath: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.isEmpty, !line.hasPrefix(" "), !line.hasPrefix("#") { break }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast()).trimmingCharacters(
                    in: CharacterSet(charactersIn: "'\""))
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "delete", "patch"].contains(String(key)) {
                    routes.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let cluster = try TestCluster()
        let registered = Set(ClusterPKIServer.router(environment: cluster.environment()).routes.map(\.description))
        let documented = try Self.documentedRoutes()
        #expect(
            registered.subtracting(documented).isEmpty,
            "not in openapi.yaml: \(registered.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(registered).isEmpty,
            "documented but not served: \(documented.subtracting(registered).sorted())")
        #expect(registered.count >= 25)
    }

    /// Each documented GET answers with something other than the router's "no such path".
    @Test func documentedGetRoutesAnswer() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        let documented = try Self.documentedRoutes().filter { $0.hasPrefix("GET ") }.map { String($0.dropFirst(4)) }
        try await cluster.application().test(.router) { client in
            for template in documented {
                let path = template.replacingOccurrences(of: "{namespace}", with: "kube-system").replacingOccurrences(
                    of: "{name}", with: "x")
                let uri = path.hasSuffix("certificatesigningrequests") ? path + "?watch=false" : path
                let response = try await client.execute(uri: uri, method: .get, headers: headers(credential: admin))
                let message = response.json["message"] as? String
                #expect(message != "the server could not find the requested resource", "\(template) is not routed")
            }
        }
    }
}
