import ClusterPKIStore
import EtcdAPI
import Foundation

/// An admin's decisions on a request (`kubectl certificate approve|deny`, `kubectl delete csr`): each one etcd
/// transaction with its records, as the SQLite store does them in one SQL transaction.
extension EtcdStateStore {
    /// Replaces request `name` if its mod revision (its resource version) is still `resourceVersion`, with the
    /// ledger row (create-if-absent on its serial), node record and audit events: all of it, or none.
    public func updateCertificateRequest(
        name: String, object: Data, ifResourceVersion resourceVersion: Int64,
        recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest {
        let requestKey = keys.certificateRequest(name)
        guard let current = try await client.get(requestKey) else {
            throw StoreError.certificateRequestNotFound(name: name)
        }
        guard current.modRevision == resourceVersion else { throw StoreError.certificateRequestConflict(name: name) }
        var value = try decodeRequest(current)
        value.object = object
        let (recordCompare, recordWrites, events) = try operations(recording: records)
        let compare: [Etcdserverpb_Compare] = [.modRevision(requestKey, is: resourceVersion)] + recordCompare
        let writes: [Etcdserverpb_RequestOp] = [.put(requestKey, try EtcdJSON.encode(value))] + recordWrites
        let txn = Etcdserverpb_TxnRequest(
            compare: compare, success: writes + (try auditOps(events)), failure: [.get(requestKey)])
        try checkSize(txn, what: "CSR \(name)")
        let response = try await client.txn(txn)
        guard response.succeeded else {
            guard let now = response.responses.first?.responseRange.kvs.first else {
                throw StoreError.certificateRequestNotFound(name: name)
            }
            if now.modRevision != resourceVersion { throw StoreError.certificateRequestConflict(name: name) }
            throw StoreError.credentialAlreadyRecorded(serial: records.credential?.serial ?? "")
        }
        return StoredCertificateRequest(
            name: name, resourceVersion: response.header.revision, created: value.created, requester: value.requester,
            object: object)
    }

    /// Deletes request `name` with its audit events, guarded by the revision read first (a concurrent update makes
    /// it read again); returns what was deleted.
    public func deleteCertificateRequest(name: String, recording records: CertificateRequestRecords) async throws
        -> StoredCertificateRequest
    {
        let requestKey = keys.certificateRequest(name)
        for _ in 0..<Self.maxAttempts {
            guard let kv = try await client.get(requestKey) else {
                throw StoreError.certificateRequestNotFound(name: name)
            }
            let txn = Etcdserverpb_TxnRequest(
                compare: [.modRevision(requestKey, is: kv.modRevision)],
                success: [.delete(requestKey)] + (try auditOps(records.auditEvents)))
            if try await client.txn(txn).succeeded { return try stored(kv) }
        }
        throw contention("deleting CSR \(name)")
    }
}
