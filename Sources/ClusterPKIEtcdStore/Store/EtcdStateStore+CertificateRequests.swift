import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Inserts a request with its audit events, ledger row and node record in ONE transaction, guarded by
    /// create-if-absent compares on the request name and the credential serial: all of it is stored, or none.
    /// The resource version is the revision of that transaction.
    public func createCertificateRequest(
        name: String, requester: String, object: Data, now: Date, recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest {
        let requestKey = keys.certificateRequest(name)
        let value = CertificateRequestRecord(name: name, created: now, requester: requester, object: object)
        let encoded = try EtcdJSON.encode(value)
        let (recordCompare, recordWrites, events) = try operations(recording: records)
        let compare: [Etcdserverpb_Compare] = [.createRevision(requestKey, is: 0)] + recordCompare
        let writes: [Etcdserverpb_RequestOp] = [.put(requestKey, encoded)] + recordWrites
        guard writes.count + events.count <= EtcdClient.maxTxnOps else {
            throw StoreError.etcd(
                detail:
                    "CSR \(name) carries \(events.count) audit events; one transaction holds at most \(EtcdClient.maxTxnOps) operations"
            )
        }
        let txn = Etcdserverpb_TxnRequest(
            compare: compare, success: writes + (try auditOps(events)), failure: [.get(requestKey)])
        try checkSize(txn, what: "CSR \(name)")
        let response = try await commit(txn)
        guard response.succeeded else {
            if let existing = response.responses.first?.responseRange.kvs.first {
                // A request without audit events is not marked (see commit): the same bytes under the name mean an
                // earlier delivery of this very write, which stored it.
                if existing.value == encoded && events.isEmpty {
                    return StoredCertificateRequest(
                        name: name, resourceVersion: existing.modRevision, created: now, requester: requester,
                        object: object)
                }
                throw StoreError.certificateRequestAlreadyExists(name: name)
            }
            throw StoreError.credentialAlreadyRecorded(serial: records.credential?.serial ?? "")
        }
        return StoredCertificateRequest(
            name: name, resourceVersion: response.header.revision, created: now, requester: requester, object: object)
    }

    /// Replaces the object of an existing request; its new resource version is the revision of the write.
    public func updateCertificateRequest(name: String, object: Data) async throws -> StoredCertificateRequest {
        let requestKey = keys.certificateRequest(name)
        for _ in 0..<Self.maxAttempts {
            guard let kv = try await client.get(requestKey) else {
                throw StoreError.certificateRequestNotFound(name: name)
            }
            var value = try decodeRequest(kv)
            value.object = object
            let txn = Etcdserverpb_TxnRequest(
                compare: [.modRevision(requestKey, is: kv.modRevision)],
                success: [.put(requestKey, try EtcdJSON.encode(value))])
            try checkSize(txn, what: "CSR \(name)")
            let response = try await commit(txn)
            if response.succeeded {
                return StoredCertificateRequest(
                    name: name, resourceVersion: response.header.revision, created: value.created,
                    requester: value.requester,
                    object: object)
            }
        }
        throw contention("updating CSR \(name)")
    }

    public func certificateRequest(named name: String) async throws -> StoredCertificateRequest? {
        guard let kv = try await client.get(keys.certificateRequest(name)) else { return nil }
        return try stored(kv)
    }

    /// All requests, sorted by name (their keys' order).
    public func certificateRequests() async throws -> [StoredCertificateRequest] {
        try await client.list(prefix: keys.certificateRequests).kvs.map(stored).sorted { $0.name < $1.name }
    }

    /// The mod revision of the request written last (0 when there is none).
    public func certificateRequestsVersion() async throws -> Int64 {
        let request = Etcdserverpb_RangeRequest(
            prefix: keys.certificateRequests, sortBy: .mod, order: .descend, limit: 1)
        return try await client.range(request).kvs.first?.modRevision ?? 0
    }

    /// Records (or replaces) the addresses of a node, with its audit event.
    public func recordNode(_ node: NodeRecord) async throws {
        let writes: [Etcdserverpb_RequestOp] = [.put(keys.node(node.name), try EtcdJSON.encode(NodeRecordValue(node)))]
        _ = try await commit(.init(compare: [], success: writes + auditOps([nodeRecorded(node)])))
    }

    public func node(named name: String) async throws -> NodeRecord? {
        guard let kv = try await client.get(keys.node(name)) else { return nil }
        return try EtcdJSON.decode(NodeRecordValue.self, from: kv.value, key: kv.keyString).node
    }

    /// What a CSR write carries besides the request: the ledger row (create-if-absent on its serial), the node
    /// record, and the audit events (the caller's, then one per record).
    func operations(
        recording records: CertificateRequestRecords
    ) throws -> (compare: [Etcdserverpb_Compare], writes: [Etcdserverpb_RequestOp], events: [AuditEvent]) {
        var compare: [Etcdserverpb_Compare] = []
        var writes: [Etcdserverpb_RequestOp] = []
        var events = records.auditEvents
        if let credential = records.credential {
            compare.append(.createRevision(keys.credential(credential.serial), is: 0))
            writes.append(.put(keys.credential(credential.serial), try EtcdJSON.encode(credential)))
            events.append(credentialRecorded(credential))
        }
        if let node = records.node {
            writes.append(.put(keys.node(node.name), try EtcdJSON.encode(NodeRecordValue(node))))
            events.append(nodeRecorded(node))
        }
        return (compare, writes, events)
    }

    private func nodeRecorded(_ node: NodeRecord) -> AuditEvent {
        AuditEvent(
            time: node.recorded, actor: node.recordedBy, action: .nodeRecorded,
            detail: "node=\(node.name) addresses=\(node.addresses.joined(separator: ","))")
    }

    func decodeRequest(_ kv: Mvccpb_KeyValue) throws -> CertificateRequestRecord {
        try EtcdJSON.decode(CertificateRequestRecord.self, from: kv.value, key: kv.keyString)
    }

    func stored(_ kv: Mvccpb_KeyValue) throws -> StoredCertificateRequest {
        let value = try decodeRequest(kv)
        return StoredCertificateRequest(
            name: value.name, resourceVersion: kv.modRevision, created: value.created, requester: value.requester,
            object: value.object)
    }
}
