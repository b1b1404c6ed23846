import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Deletes events before `cutoff` and beyond the newest `maxRows`.
    ///
    /// Reads the audit prefix once and deletes in transactions of at most etcd's `--max-txn-ops` keys; an event
    /// another replica deleted meanwhile is simply gone (a delete of a missing key is not an error), so concurrent
    /// prunes from several servers agree.
    public func pruneAuditEvents(olderThan cutoff: Date, keepingNewest maxRows: Int) async throws -> Int {
        let kvs = try await client.list(prefix: keys.audit).kvs.sorted { a, b in
            a.createRevision != b.createRevision
                ? a.createRevision < b.createRevision : a.key.lexicographicallyPrecedes(b.key)
        }
        let excess = max(0, kvs.count - max(0, maxRows))
        var doomed: [String] = []
        for (index, kv) in kvs.enumerated() {
            if index < excess {
                doomed.append(kv.keyString)
            } else if try EtcdJSON.decode(AuditEvent.self, from: kv.value, key: kv.keyString).time < cutoff {
                doomed.append(kv.keyString)
            }
        }
        var start = 0
        while start < doomed.count {
            let batch = doomed[start..<min(start + EtcdClient.maxTxnOps, doomed.count)]
            _ = try await client.txn(.init(compare: [], success: batch.map { .delete($0) }))
            start += batch.count
        }
        return doomed.count
    }

    /// Appends events in transactions of at most etcd's `--max-txn-ops`.
    public func recordAuditEvents(_ events: [AuditEvent]) async throws {
        var start = 0
        while start < events.count {
            let chunk = Array(events[start..<min(start + EtcdClient.maxTxnOps, events.count)])
            try await appendAudit(chunk)
            start += chunk.count
        }
    }

    /// Puts one key under the prefix: etcd takes it only with a quorum and space (its quota) left.
    public func probeWrite(now: Date) async throws {
        _ = try await client.txn(
            .init(
                compare: [],
                success: [.put(keys.prefix + "health/write-probe", Data(String(now.timeIntervalSince1970).utf8))]))
    }
}
