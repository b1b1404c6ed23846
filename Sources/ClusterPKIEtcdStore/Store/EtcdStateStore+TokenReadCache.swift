import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore: TokenReadCaching {
    /// Keeps this replica's ``TokenReadCache`` (tokens and failure counters) until cancelled: lists both prefixes,
    /// follows them with watches, and every ``TokenReadCache/probeInterval`` asks etcd, linearizably, whether it holds
    /// exactly what the copy holds (the same keys, each last written at the same revision). Only a probe that finds no
    /// difference lets the copy answer, for ``TokenReadCache/validity`` after the probe was issued; a broken watch or
    /// an unreachable etcd lets it lapse, and the checks read etcd again.
    public func maintainTokenReadCache() async {
        let cache = readCache
        while !Task.isCancelled {
            cache.invalidate()
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for prefix in cache.prefixes {
                        let listing = try await client.list(prefix: prefix)
                        cache.replace(prefix: prefix, with: listing.kvs)
                        group.addTask {
                            for try await event in client.watch(prefix: prefix, from: listing.revision + 1) {
                                cache.apply(prefix: prefix, event)
                            }
                            throw CancellationError()  // a watch ends only when cancelled
                        }
                    }
                    group.addTask { try await probe(cache) }
                    try await group.next()
                    group.cancelAll()
                }
            } catch {
                // etcd unreachable beyond a call's deadline: start over (the copy does not answer meanwhile).
                cache.invalidate()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        cache.invalidate()
    }

    /// Probes until cancelled or until etcd stops answering.
    private func probe(_ cache: TokenReadCache) async throws {
        while !Task.isCancelled {
            let issued = ContinuousClock.now
            let held = cache.revisions()
            let ranges: [Etcdserverpb_RequestOp] = cache.prefixes.map { prefix in
                var keysOnly = Etcdserverpb_RangeRequest(prefix: prefix)
                keysOnly.keysOnly = true
                return .range(keysOnly)
            }
            // A read-only transaction is one linearizable read: every range is of the same revision.
            let current = try await client.txn(.init(compare: [], success: ranges)).responses.map { response in
                Dictionary(response.responseRange.kvs.map { ($0.keyString, $0.modRevision) }, uniquingKeysWith: { $1 })
            }
            if current == held { cache.markFresh(issuedAt: issued) }
            try await Task.sleep(for: TokenReadCache.probeInterval)
        }
    }

    /// After a live token was deleted: wait until no replica's copy can still answer for it (see ``TokenReadCache``).
    func awaitTokenReadCaches() async {
        try? await Task.sleep(for: TokenReadCache.deletionBarrier)
    }
}
