import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/ui/`: for admin client certificates only (unless the policy opens it to localhost), escaped everywhere, with a
/// strict Content-Security-Policy and never a token secret.
@Suite struct StatusPageTests {
    static let csp =
        "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    @Test func adminSeesThePageWithStrictHeaders() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: "/ui/", method: .get, headers: headers(credential: admin))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[HTTPField.Name("Content-Security-Policy")!] == Self.csp)
            #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let page = String(buffer: response.body)
            #expect(page.contains("<tr class=\"cert state-valid\" data-name=\"ca\" data-state=\"valid\">"))
            #expect(page.contains("<td>abcdef</td>"))
            #expect(!page.contains("0123456789abcdef"))  // the token's secret
            #expect(page.contains("<td>kubernetes-admin</td>"))  // the ledger
            #expect(page.contains("<svg class=\"timeline\""))
            #expect(!page.contains("<script"))
            #expect(!page.contains("style=\""))
        }
    }

    @Test func everyValueIsEscaped() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        _ = try await cluster.credential(commonName: "<script>alert('cn')</script>", organizations: ["\"><img src=x>"])
        _ = try await cluster.store.createToken(
            TokenRequest(
                token: try BootstrapTokenString(parsing: "zzzzzz.0123456789abcdef"),
                description: "<script>alert(1)</script>"),
            actor: "<b>actor</b>", now: cluster.now)
        try await cluster.application().test(.router) { client in
            let page = String(
                buffer: try await client.execute(uri: "/ui/", method: .get, headers: headers(credential: admin)).body)
            #expect(!page.contains("<script"))
            #expect(!page.contains("<img"))
            #expect(!page.contains("<b>"))
            #expect(page.contains("&lt;script&gt;alert(&#39;cn&#39;)&lt;/script&gt;"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.contains("&quot;&gt;&lt;img src=x&gt;"))
        }
    }

    @Test func refusedWithoutAnAdminCertificate() async throws {
        let cluster = try TestCluster()
        let user = try await cluster.credential(commonName: "jane", organizations: ["developers"])
        try await cluster.application().test(.router) { client in
            let anonymous = try await client.execute(uri: "/ui/", method: .get, headers: headers(address: "127.0.0.1"))
            #expect(anonymous.status == .forbidden)
            let other = try await client.execute(uri: "/ui/", method: .get, headers: headers(credential: user))
            #expect(other.status == .forbidden)
            #expect(!String(buffer: other.body).contains("<html"))
        }
    }

    @Test func localhostModeAdmitsLoopbackOnly() async throws {
        var policy = try TestSupport.policy("kubeadm")
        policy.server?.statusPage.localhostWithoutCertificate = true
        let cluster = try TestCluster(policy: policy)
        let user = try await cluster.credential(commonName: "jane", organizations: ["developers"])
        try await cluster.application().test(.router) { client in
            for address in ["127.0.0.1", "127.0.0.53", "::1"] {
                let local = try await client.execute(uri: "/ui/", method: .get, headers: headers(address: address))
                #expect(local.status == .ok, "\(address)")
            }
            let remote = try await client.execute(uri: "/ui/", method: .get, headers: headers(address: "192.0.2.7"))
            #expect(remote.status == .forbidden)
            // A certificate that is not an admin's is refused even from localhost: the mode is for no credential.
            let other = try await client.execute(
                uri: "/ui/", method: .get, headers: headers(credential: user, address: "127.0.0.1"))
            #expect(other.status == .forbidden)
        }
    }

    @Test func rotationPhaseAndExpiringCertificateAreShown() async throws {
        let cluster = try TestCluster()
        try await cluster.store.recordRotationPhase(
            RotationPhase(subject: "ca", phase: "prepared", updatedAt: cluster.now, actor: "test"))
        // The CA's renewal window is its last 30 days: look from 3640 days on (with an admin certificate of that day).
        cluster.advance(3640 * 86400)
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let page = String(
                buffer: try await client.execute(uri: "/ui/", method: .get, headers: headers(credential: admin)).body)
            #expect(page.contains("data-name=\"ca\" data-state=\"due\""))
            #expect(page.contains("<td>prepared on "))
        }
    }

    @Test func stylesheetIsServedWithTheSameHeaders() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: "/ui/style.css", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            #expect(response.headers[HTTPField.Name("Content-Security-Policy")!] == Self.csp)
            #expect(String(buffer: response.body).contains(".tl-window"))
        }
    }
}
