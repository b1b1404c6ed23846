import ClusterPKIAPI
import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Every record under the prefix.
    public func exportState() async throws -> StateSnapshot {
        let tokens = try await client.list(prefix: keys.tokens).kvs.map { kv in
            let record = try decodeRecord(kv)
            return StateSnapshot.Token(token: try token(from: kv, record), upload: record.upload)
        }
        let uploads = try await client.list(prefix: keys.uploads).kvs.map { kv in
            let record = try decodeUpload(kv)
            let upload = Upload(
                name: record.name, blobs: record.blobs, proxyTokenID: record.tokenID, created: record.created,
                expires: record.expires)
            return StateSnapshot.StoredUpload(upload: upload, fetches: record.fetches)
        }
        let credentials = try await client.list(prefix: keys.credentials).kvs.map { kv in
            try EtcdJSON.decode(IssuedCredential.self, from: kv.value, key: kv.keyString)
        }
        let nodes = try await client.list(prefix: keys.nodes).kvs.map { kv in
            try EtcdJSON.decode(NodeRecordValue.self, from: kv.value, key: kv.keyString).node
        }
        let phases = try await client.list(prefix: keys.rotations).kvs.map { kv in
            try EtcdJSON.decode(RotationPhase.self, from: kv.value, key: kv.keyString)
        }
        return StateSnapshot(
            tokens: tokens, uploads: uploads, auditEvents: try await auditEvents(limit: nil), credentials: credentials,
            certificateRequests: try await certificateRequests(), nodes: nodes, rotationPhases: phases)
    }

    /// Deletes every record under the prefix (the store-key check stays), then writes `snapshot` in transactions of
    /// at most ``transferBatch`` keys: tokens and uploads on leases for their expiry, the audit log in order.
    ///
    /// Not atomic as a whole (etcd limits a transaction's size): if it is interrupted, run it again.
    public func replaceState(with snapshot: StateSnapshot) async throws {
        let collections = [
            keys.tokens, keys.uploads, keys.authFailures, keys.audit, keys.credentials, keys.certificateRequests,
            keys.nodes,
            keys.rotations,
        ]
        _ = try await commit(.init(compare: [], success: collections.map { .deleteRange(prefix: $0) }))

        let now = Date()
        var leases: [Date: Int64] = [:]
        func lease(for expires: Date?) async throws -> Int64 {
            guard let expires else { return 0 }
            if let lease = leases[expires] { return lease }
            let lease = try await grantLease(until: max(expires, now), now: now)
            leases[expires] = lease
            return lease
        }
        var writes: [Etcdserverpb_RequestOp] = []
        for stored in snapshot.tokens {
            let token = stored.token
            let lease = try await lease(for: token.expires)
            writes.append(.put(keys.token(token.id), try record(of: token, upload: stored.upload), lease: lease))
        }
        for stored in snapshot.uploads {
            let upload = stored.upload
            let value = UploadRecord(
                name: upload.name, tokenID: upload.proxyTokenID, created: upload.created, expires: upload.expires,
                blobs: upload.blobs, fetches: stored.fetches)
            // Its expiry is its proxy token's, so both go on the same lease.
            let lease = try await lease(for: upload.expires)
            writes.append(.put(keys.upload(upload.name), try EtcdJSON.encode(value), lease: lease))
        }
        for credential in snapshot.credentials {
            writes.append(.put(keys.credential(credential.serial), try EtcdJSON.encode(credential)))
        }
        for request in snapshot.certificateRequests {
            let value = CertificateRequestRecord(
                name: request.name, created: request.created, requester: request.requester, object: request.object)
            writes.append(.put(keys.certificateRequest(request.name), try EtcdJSON.encode(value)))
        }
        for node in snapshot.nodes {
            writes.append(.put(keys.node(node.name), try EtcdJSON.encode(NodeRecordValue(node))))
        }
        for phase in snapshot.rotationPhases {
            writes.append(.put(keys.rotation(phase.subject), try EtcdJSON.encode(phase)))
        }
        try await commitInBatches(writes, what: "the migrated records")
        // The audit log last, in its order: one batch name per transaction, whose revisions increase.
        for start in stride(from: 0, to: snapshot.auditEvents.count, by: Self.transferBatch) {
            let events = Array(
                snapshot.auditEvents[start..<min(start + Self.transferBatch, snapshot.auditEvents.count)])
            let txn = Etcdserverpb_TxnRequest(compare: [], success: try auditOps(events))
            try checkSize(txn, what: "the migrated audit log")
            _ = try await commit(txn)
        }
    }

    /// Keys per transaction when many records are written: under etcd's 128 operations, and small enough that a
    /// batch of uploads stays under its request size (``checkSize(_:what:)`` names what does not).
    static let transferBatch = 100

    private func commitInBatches(_ writes: [Etcdserverpb_RequestOp], what: String) async throws {
        var start = 0
        while start < writes.count {
            var count = min(Self.transferBatch, writes.count - start)
            var txn = Etcdserverpb_TxnRequest(compare: [], success: Array(writes[start..<start + count]))
            // Large values (upload blobs): halve the batch until it fits in one request.
            while count > 1, (try txn.serializedBytes() as [UInt8]).count > EtcdClient.maxRequestBytes {
                count /= 2
                txn = Etcdserverpb_TxnRequest(compare: [], success: Array(writes[start..<start + count]))
            }
            try checkSize(txn, what: what)
            _ = try await commit(txn)
            start += count
        }
    }

    /// Counts per key range (`countOnly`), and the revoked credentials by reading the ledger.
    public func stateCounts() async throws -> StateCounts {
        func count(_ prefix: String) async throws -> Int {
            Int(try await client.range(.init(prefix: prefix, countOnly: true)).count)
        }
        let credentials = try await credentials()
        return StateCounts(
            tokens: try await count(keys.tokens), uploads: try await count(keys.uploads),
            auditEvents: try await count(keys.audit), credentials: credentials.count,
            revokedCredentials: credentials.filter(\.isRevoked).count,
            certificateRequests: try await count(keys.certificateRequests), nodes: try await count(keys.nodes),
            rotationPhases: try await count(keys.rotations))
    }
}
