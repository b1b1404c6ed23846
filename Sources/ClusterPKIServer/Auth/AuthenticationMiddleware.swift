import ClusterPKIAPI
import Hummingbird

/// Resolves the ``Identity`` of a request once, before the handlers of the routes that need one (client certificate,
/// then bearer token, then anonymous; see ``Authenticator``), and hands it on in the context. Invalid credentials
/// stop the request here with 401, a token id or client in back-off with 429.
///
/// The routes that need no identity (version, discovery, OpenAPI, health, metrics, namespaces, cluster-info) are
/// registered outside the group this middleware guards, so they never reach the store for authentication.
struct AuthenticationMiddleware: RouterMiddleware {
    /// Who records the success event of a token checked read-only.
    enum SuccessAudit {
        /// This middleware, before the handler runs (written behind when serve runs).
        case beforeHandler
        /// The handler, in its own store transaction (a CSR creation: one commit per signed CSR); this middleware
        /// records it only if the handler did not, e.g. when the request is refused before its transaction.
        case inHandlerTransaction
    }

    typealias Context = ServerContext
    let authenticator: Authenticator
    var successAudit: SuccessAudit = .beforeHandler

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response)
        async throws -> Response
    {
        let client = authenticator.peer.address(for: request, context: context)
        let (identity, event) = try await authenticator.identity(for: request, context: context, client: client)
        var context = context
        context.requester = Requester(identity: identity, client: client)
        guard let event else { return try await next(request, context) }
        // A token checked read-only: its success event is still to be recorded, by the route's choice.
        guard successAudit == .inHandlerTransaction else {
            try await authenticator.record(event)
            return try await next(request, context)
        }
        let pending = PendingAudit(event)
        context.pendingAudit = pending
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Refused or failed before its transaction committed: the authentication is audited all the same.
            if let event = pending.take() { try? await authenticator.record(event) }
            throw error
        }
        if let event = pending.take() { try await authenticator.record(event) }
        return response
    }
}
