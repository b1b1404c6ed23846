import ClusterPKIAPI
import Hummingbird
import NIOCore

/// The context of a route that needs an identity: ``AuthenticationMiddleware`` has resolved it, so a handler cannot
/// forget to (or do it twice). Authorization stays with each handler.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who sent the request: a client certificate, a bootstrap token, or anonymous.
    public let identity: Identity
    /// The client's IP address as text, or `unknown`.
    public let client: String
    /// The connection (a watch ends when it closes); `nil` only when a context is made without one.
    public let channel: (any Channel)?
    /// A token's success audit event still to be recorded, on a CSR creation (see ``PendingAudit``).
    public let pendingAudit: PendingAudit?

    public init(context: ServerContext) throws {
        // Only a route registered without the middleware gets here without a requester: a wiring bug, not the client's.
        guard let requester = context.requester else { throw KubernetesStatus.internalError }
        self.coreContext = context.coreContext
        self.identity = requester.identity
        self.client = requester.client
        self.channel = context.channel
        self.pendingAudit = context.pendingAudit
    }
}
