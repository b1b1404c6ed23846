import ClusterPKIStore
import Logging
import ServiceLifecycle

/// Re-signs cluster-info at once on this replica when a token is created or deleted through any replica: drops the
/// ``ClusterInfoPublisher`` cache on every change the shared store reports, so that the next request signs anew.
///
/// Without it a replica would serve a stale list of signatures for up to the cache's age; with it the change shows
/// on every replica as soon as the store's watch delivers it.
public struct ClusterInfoRefresher: Service {
    let feed: any TokenChangeFeed
    let publisher: ClusterInfoPublisher
    let logger: Logger

    public init(feed: any TokenChangeFeed, publisher: ClusterInfoPublisher, logger: Logger) {
        self.feed = feed
        self.publisher = publisher
        self.logger = logger
    }

    /// Follows the changes until shutdown (the feed itself starts over when the store was unreachable).
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            for await change in feed.tokenChanges() {
                publisher.invalidate()
                logger.debug("cluster-info re-signed after a token change", metadata: ["change": "\(change)"])
            }
        }
    }
}
