import ClusterPKIStore
import EtcdAPI
import Foundation
import SwiftProtobuf

/// The shared ``StateStore`` of a multi-node control plane: every replica of `clusterpki serve` reads and writes the
/// same etcd, under one key prefix (see ``EtcdKeys``).
///
/// Each operation is one etcd transaction or a read followed by a compare-and-swap on the mod revision of what was
/// read, retried when another replica wrote in between. Nothing remembered between calls decides anything (see
/// ``AuthenticationHints``), so a token deleted or used up through one replica is refused by every other one at once.
/// Expiry is decided by the stored absolute time against the caller's clock; leases only collect the keys of expired
/// tokens and uploads.
public struct EtcdStateStore: StateStore {
    /// The etcd connection, shared by every copy of this store.
    public let client: EtcdClient
    let keys: EtcdKeys
    let key: StoreKey
    /// Seconds a lease outlives the expiry it collects, so that reads and sweeps usually delete (and audit) an
    /// expired key before etcd does.
    let leaseGrace: TimeInterval
    /// Values last seen on the authentication path (shared by copies of this store); see ``AuthenticationHints``.
    let hints = AuthenticationHints()

    /// How often a compare-and-swap is retried when other replicas keep winning.
    static let maxAttempts = 100

    /// Connects the store and checks `storeKey` against the one the prefix was first used with.
    public init(client: EtcdClient, storeKey: StoreKey, leaseGrace: TimeInterval = 60) async throws {
        self.client = client
        self.keys = EtcdKeys(prefix: client.configuration.prefix)
        self.key = storeKey
        self.leaseGrace = max(0, leaseGrace)
        try await checkStoreKey()
    }

    /// Stores the key check value on first use and compares it afterwards, like SQLite's `storeMeta`.
    private func checkStoreKey() async throws {
        let checkKey = keys.storeKeyCheck
        let response = try await client.txn(
            .init(
                compare: [.createRevision(checkKey, is: 0)], success: [.put(checkKey, key.checkValue)],
                failure: [.get(checkKey)]))
        if response.succeeded { return }
        guard response.responses.first?.responseRange.kvs.first?.value == key.checkValue else {
            throw StoreError.storeKeyMismatch
        }
    }

    // MARK: Shared helpers

    /// Puts of `events` under one batch name, so that events of one transaction list in the order given.
    func auditOps(_ events: [AuditEvent]) throws -> [Etcdserverpb_RequestOp] {
        let batch = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return try events.enumerated().map { index, event in
            var event = event
            event.id = nil
            return .put(keys.audit(batch: batch, index: index), try EtcdJSON.encode(event))
        }
    }

    /// Appends events in a transaction of their own.
    func appendAudit(_ events: [AuditEvent]) async throws {
        _ = try await client.txn(.init(compare: [], success: try auditOps(events)))
    }

    /// Fails before sending a request etcd would refuse as too large (its `--max-request-bytes`).
    func checkSize(_ request: Etcdserverpb_TxnRequest, what: String) throws {
        let bytes: [UInt8] = try request.serializedBytes()
        if bytes.count > EtcdClient.maxRequestBytes {
            throw StoreError.etcdRequestTooLarge(what: what, bytes: bytes.count, limit: EtcdClient.maxRequestBytes)
        }
    }

    /// A lease that collects a key expiring at `expires` (judged by the caller's clock `now`), plus the grace.
    func grantLease(until expires: Date, now: Date) async throws -> Int64 {
        let seconds = max(1, expires.timeIntervalSince(now).rounded(.up) + leaseGrace)
        return try await client.grantLease(ttl: Int64(min(seconds, 9_000_000_000)))
    }

    /// Revokes a lease that ended up unused; failing to do so only delays its expiry.
    func releaseLease(_ lease: Int64) async {
        if lease != 0 { try? await client.revokeLease(lease) }
    }
}
