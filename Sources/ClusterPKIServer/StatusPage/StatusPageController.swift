import ClusterPKIAPI
import ClusterPKICore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// `GET /ui/`: the read-only status page, rendered on the server from the health model and the store; and
/// `GET /ui/style.css`, its only other resource. Both send a strict Content-Security-Policy (no script at all,
/// styles from this origin only, images only as data: URIs) and `X-Content-Type-Options: nosniff`.
struct StatusPageController: Sendable {
    let environment: ServerEnvironment

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Parsed once; a template that does not parse is a bug the tests catch, answered with 500.
    static let template = try? MustacheTemplate(string: StatusPageTemplate.html)

    var access: StatusPageAccess {
        StatusPageAccess(
            adminOrganizations: environment.serverPolicy.adminOrganizations,
            localhostWithoutCertificate: environment.serverPolicy.statusPage.localhostWithoutCertificate)
    }

    func page(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try access.authorize(context.identity, client: context.client)
        let now = environment.now()
        var tree = environment.tree
        tree.now = now
        let report = await environment.healthReport(readingStore: true)
        let model = await StatusPageModel(report: report, tree: tree, store: environment.store, now: now)
        guard let template = Self.template else { throw KubernetesStatus.internalError }
        return Self.response(template.render(model), contentType: "text/html; charset=utf-8")
    }

    func style(_ request: Request, context: ServerContext) async throws -> Response {
        Self.response(StatusPageTemplate.css, contentType: "text/css; charset=utf-8")
    }

    static func response(_ body: String, contentType: String) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-store"]
        headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
