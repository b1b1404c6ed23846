import ClusterPKIAPI
import Hummingbird
import Logging
import NIOCore

/// The request context: Hummingbird's core storage plus the channel, from which the TLS peer is read.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection; `nil` only when a context is made without one.
    public let channel: (any Channel)?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
