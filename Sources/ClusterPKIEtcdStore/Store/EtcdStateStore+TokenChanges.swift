import ClusterPKIStore
import Foundation

extension EtcdStateStore: TokenChangeFeed {
    /// Tokens created and deleted through any replica, so that `serve` can re-sign cluster-info at once.
    ///
    /// Watches the token prefix from now on until the consumer stops iterating. Updates (a use consumed) are not
    /// reported. When the watch has to start over after an error, ``TokenChange/resynced`` is reported first.
    public func tokenChanges() -> AsyncStream<TokenChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: TokenChange.self)
        let client = client
        let prefix = keys.tokens
        let task = Task {
            while !Task.isCancelled {
                do {
                    for try await event in client.watch(prefix: prefix) {
                        switch event {
                        case .put(let kv) where kv.version == 1:
                            continuation.yield(.created(id: String(kv.keyString.dropFirst(prefix.count))))
                        case .put:
                            break
                        case .delete(let kv):
                            continuation.yield(.deleted(id: String(kv.keyString.dropFirst(prefix.count))))
                        case .resync:
                            continuation.yield(.resynced)
                        }
                    }
                } catch {
                    // etcd unreachable for longer than a call's deadline: try again, and tell the consumer it may have missed changes.
                    try? await Task.sleep(for: .seconds(1))
                    if !Task.isCancelled { continuation.yield(.resynced) }
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
