import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `server.certificateSigningRequests.maxDeniedPerRequester`: one requester cannot fill the store with denied CSRs.
@Suite struct DeniedCapRouteTests {
    static let csrs = CSRRouteTests.csrs
    static let first = "abcdef.0123456789abcdef"
    static let second = "ghijkl.0123456789abcdef"

    static func post(
        _ client: some TestClientProtocol, token: String, name: String, organizations: [String] = ["system:masters"]
    ) async throws -> TestResponse {
        try await client.execute(
            uri: csrs, method: .post, headers: headers(token: token, contentType: true),
            body: try TestCSR.body(
                name: name, pem: try TestCSR.pem(commonName: "system:node:\(name)", organizations: organizations)))
    }

    @Test func theDenialBeyondTheCapIs429AndStoresNothingWhileAnotherRequesterIsUnaffected() async throws {
        let text = try TestSupport.policyText("kubeadm")
        #expect(text.contains("    maxDeniedPerRequester: 100 "), "fixture drifted")
        let policy = try PKIPolicy(
            yaml: text.replacingOccurrences(
                of: "    maxDeniedPerRequester: 100 ", with: "    maxDeniedPerRequester: 2 "))
        let cluster = try TestCluster(policy: policy)
        _ = try await cluster.token(Self.first, ttl: 7200)  // outlives the clock's jump past deniedTTL
        _ = try await cluster.token(Self.second, ttl: 7200)
        let environment = cluster.environment()
        try await cluster.application(environment).test(.router) { client in
            for name in ["d1", "d2"] {
                #expect(try await Self.post(client, token: Self.first, name: name).status == .created)
            }
            let refused = try await Self.post(client, token: Self.first, name: "d3")
            #expect(refused.status == .tooManyRequests)
            #expect(
                refused.json["kind"] as? String == "Status" && refused.json["reason"] as? String == "TooManyRequests")
            let message = try #require(refused.json["message"] as? String)
            #expect(message.contains("already has 2 denied certificatesigningrequests"), "\(message)")
            #expect(message.contains("server.certificateSigningRequests.maxDeniedPerRequester"), "\(message)")
            #expect(message.contains("deleted 1h0m0s after their denial"), "\(message)")
            #expect(message.contains("server.certificateSigningRequests.deniedTTL"), "\(message)")
            // Approvals of the same requester are not capped; another requester's denial is stored.
            let approved = try await Self.post(client, token: Self.first, name: "ok", organizations: ["system:nodes"])
            #expect(approved.status == .created)
            #expect(try await Self.post(client, token: Self.second, name: "other").status == .created)
            #expect(try await cluster.store.certificateRequests().map(\.name) == ["d1", "d2", "ok", "other"])
            #expect(
                try await cluster.store.auditEvents(limit: nil).filter { $0.detail.hasPrefix("d3") }.isEmpty)

            // Once the cleaner deleted the denials after deniedTTL (and the approval after approvedTTL), the requester
            // has room again.
            cluster.clock.withLockedValue { $0 += 3601 }
            let cleaner = CSRCleaner(environment: environment, logger: Logger(label: "test"))
            #expect(await cleaner.sweepOnce() == ["d1", "d2", "ok", "other"])
            #expect(try await Self.post(client, token: Self.first, name: "d3").status == .created)
        }
    }
}
