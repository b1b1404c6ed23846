import ClusterPKIAPI
import Hummingbird
import Logging
import NIOCore

/// The request context: Hummingbird's core storage plus the channel, from which the TLS peer is read.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection; `nil` only when a context is made without one.
    public let channel: (any Channel)?
    /// Who sent the request, set by ``AuthenticationMiddleware`` on the routes that need an identity; nil elsewhere.
    public internal(set) var requester: Requester?
    /// The success audit event of a token checked read-only, for the CSR creation that records it in its own
    /// transaction (see ``PendingAudit``); nil elsewhere.
    public internal(set) var pendingAudit: PendingAudit?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

/// The sender of a request, resolved once per request.
public struct Requester: Sendable, Hashable {
    public var identity: Identity
    /// The client's IP address as text, or `unknown`.
    public var client: String

    public init(identity: Identity, client: String) {
        self.identity = identity
        self.client = client
    }
}
