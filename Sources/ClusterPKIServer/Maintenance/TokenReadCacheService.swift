import ClusterPKIStore
import ServiceLifecycle

/// Runs a shared store's token read cache for as long as `serve` runs (see ``TokenReadCaching``).
struct TokenReadCacheService: Service {
    let store: any TokenReadCaching

    func run() async throws {
        await cancelWhenGracefulShutdown { await store.maintainTokenReadCache() }
    }
}
