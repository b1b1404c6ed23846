import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Tokens per expiry transaction: three operations each (token, upload, audit event) stay under 128.
    static let expiryBatch = 40

    /// Deletes the expired tokens `kvs` (read just before), their uploads, and audits each as TokenCleaner; returns
    /// how many this call deleted. A token another replica changed or deleted meanwhile is left to that replica.
    func expire(_ kvs: [Mvccpb_KeyValue], now: Date) async throws -> Int {
        var deleted = 0
        for start in stride(from: 0, to: kvs.count, by: Self.expiryBatch) {
            let batch = Array(kvs[start..<min(start + Self.expiryBatch, kvs.count)])
            if try await expireTogether(batch, now: now) {
                deleted += batch.count
            } else if batch.count > 1 {
                // Some token changed under us: expire the others one by one.
                for kv in batch where try await expireTogether([kv], now: now) { deleted += 1 }
            }
        }
        return deleted
    }

    /// One transaction for `kvs`, guarded by each token's mod revision; false if any of them changed.
    private func expireTogether(_ kvs: [Mvccpb_KeyValue], now: Date) async throws -> Bool {
        var compare: [Etcdserverpb_Compare] = []
        var deletes: [Etcdserverpb_RequestOp] = []
        var events: [AuditEvent] = []
        for kv in kvs {
            let record = try decodeRecord(kv)
            let id = String(kv.keyString.dropFirst(keys.tokens.count))
            compare.append(.modRevision(kv.keyString, is: kv.modRevision))
            deletes += deleteOps(id: id, record)
            events.append(.tokenExpired(id: id, expired: record.expires ?? now, now: now))
        }
        return try await commit(.init(compare: compare, success: deletes + auditOps(events))).succeeded
    }

    /// Deletes failure counters whose window and lock-out are over.
    func deleteStaleFailureCounters(now: Date) async throws {
        let t = now.timeIntervalSince1970
        let stale = try await client.list(prefix: keys.authFailures).kvs.filter {
            try EtcdJSON.decode(AuthFailureCounter.self, from: $0.value, key: $0.keyString).expiresAt <= t
        }
        for start in stride(from: 0, to: stale.count, by: EtcdClient.maxTxnOps) {
            let batch = Array(stale[start..<min(start + EtcdClient.maxTxnOps, stale.count)])
            // Guarded per key: a counter that just counted a new failure stays.
            let unchanged = try await commit(
                .init(
                    compare: batch.map { .modRevision($0.keyString, is: $0.modRevision) },
                    success: batch.map { .delete($0.keyString) }))
            guard !unchanged.succeeded else { continue }
            for kv in batch {
                _ = try await commit(
                    .init(compare: [.modRevision(kv.keyString, is: kv.modRevision)], success: [.delete(kv.keyString)]))
            }
        }
    }
}
