import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Appends a caller's event.
    public func recordAuditEvent(_ event: AuditEvent) async throws {
        try await appendAudit([event])
    }

    /// Events oldest first (by the revision of the transaction that wrote them, then their place in it); `limit`
    /// keeps the newest ones. Event ids are `revision × 1000 + place`, increasing with time like SQLite's row ids.
    public func auditEvents(limit: Int? = nil) async throws -> [AuditEvent] {
        let kvs: [Mvccpb_KeyValue]
        if let limit {
            guard limit > 0 else { return [] }
            // etcd sorts the whole range before applying the limit; ties within one transaction are cut arbitrarily,
            // so read one transaction's worth more and cut exactly here.
            let request = Etcdserverpb_RangeRequest(
                prefix: keys.audit, sortBy: .create, order: .descend, limit: Int64(limit + EtcdClient.maxTxnOps))
            kvs = try await client.range(request).kvs
        } else {
            kvs = try await client.list(prefix: keys.audit).kvs
        }
        let ordered = kvs.sorted { a, b in
            a.createRevision != b.createRevision
                ? a.createRevision < b.createRevision : a.key.lexicographicallyPrecedes(b.key)
        }
        return try ordered.suffix(limit ?? ordered.count).map(auditEvent(from:))
    }

    private func auditEvent(from kv: Mvccpb_KeyValue) throws -> AuditEvent {
        var event = try EtcdJSON.decode(AuditEvent.self, from: kv.value, key: kv.keyString)
        let place = kv.keyString.dropFirst(keys.audit.count).split(separator: ".").last.flatMap { Int64($0) } ?? 0
        event.id = kv.createRevision * 1000 + place
        return event
    }
}
