import ClusterPKIStore
import EtcdAPI
import Foundation
import SwiftProtobuf

/// The shared ``StateStore`` of a multi-node control plane: every replica of `clusterpki serve` reads and writes the
/// same etcd, under one key prefix (see ``EtcdKeys``).
///
/// Each operation is one etcd transaction or a read followed by a compare-and-swap on the mod revision of what was
/// read, retried when another replica wrote in between. Nothing remembered between calls decides a refusal or a use
/// (see ``AuthenticationHints``), so a token used up through one replica is refused by every other one at once; the
/// one remembered success, a token without a use limit found in this replica's ``TokenReadCache``, is bounded so
/// that a token whose deletion has returned is refused by every replica too.
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
    /// This replica's watched copy of the tokens and failure counters (shared by copies of this store); it answers
    /// only while ``maintainTokenReadCache()`` runs and has found it current (see ``TokenReadCache``).
    let readCache: TokenReadCache

    /// How often a compare-and-swap is retried when other replicas keep winning.
    static let maxAttempts = 100

    /// Connects the store and checks `storeKey` against the one the prefix was first used with.
    public init(client: EtcdClient, storeKey: StoreKey, leaseGrace: TimeInterval = 60) async throws {
        self.init(unchecked: client, storeKey: storeKey, leaseGrace: leaseGrace)
        try await checkStoreKey()
    }

    private init(unchecked client: EtcdClient, storeKey: StoreKey, leaseGrace: TimeInterval) {
        self.client = client
        self.keys = EtcdKeys(prefix: client.configuration.prefix)
        self.key = storeKey
        self.leaseGrace = max(0, leaseGrace)
        self.readCache = TokenReadCache(prefixes: [keys.tokens, keys.authFailures])
    }

    /// A store for reading an upload on a node that does not have the state key yet (`download-certs` brings it):
    /// uploads are sealed with the certificate key, not the state key. Token secrets are unreadable through it, so
    /// use it for ``upload(named:now:)`` only.
    public static func readingUploads(client: EtcdClient) -> EtcdStateStore {
        EtcdStateStore(unchecked: client, storeKey: .random(), leaseGrace: 60)
    }

    /// Whether a store key was ever checked in under the client's prefix, i.e. some node uses this store already.
    public static func isInUse(client: EtcdClient) async throws -> Bool {
        try await client.get(EtcdKeys(prefix: client.configuration.prefix).storeKeyCheck) != nil
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

    /// Puts of `events` under one batch name, so that events of one transaction list in the order given; the name is
    /// drawn once per logical write and marks it (``commit(_:)``).
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
        _ = try await commit(.init(compare: [], success: try auditOps(events)))
    }

    /// Sends a write so that it applies at most once, however often ``EtcdClient`` delivers it.
    ///
    /// The client sends a request again to the next member when one fails or does not answer in time, and a member
    /// that did not answer may have applied it. Every audited write names its events under a batch chosen once per
    /// logical write (``auditOps(_:)``), so the first audit key marks the write: the transaction also requires that
    /// key to be absent, which makes a second delivery a no-op, and reads it on failure. Found there, it proves an
    /// earlier delivery applied the write, which is then reported as succeeded at that delivery's revision (without
    /// the success branch's responses, which no caller reads). A write without audit events is sent as it is.
    func commit(_ txn: Etcdserverpb_TxnRequest) async throws -> Etcdserverpb_TxnResponse {
        guard let marker = Self.firstAuditKey(in: txn, under: keys.audit) else { return try await client.txn(txn) }
        var guarded = txn
        guarded.compare.append(.createRevision(marker, is: 0))
        guarded.failure.append(.get(marker))
        var response = try await client.txn(guarded)
        guard !response.succeeded, let last = response.responses.popLast() else { return response }
        guard let applied = last.responseRange.kvs.first else { return response }
        var earlier = Etcdserverpb_TxnResponse()
        earlier.header = response.header
        earlier.header.revision = applied.createRevision
        earlier.succeeded = true
        return earlier
    }

    /// The key of the first audit event a transaction writes, if any.
    static func firstAuditKey(in txn: Etcdserverpb_TxnRequest, under auditPrefix: String) -> String? {
        let prefix = Data(auditPrefix.utf8)
        for op in txn.success {
            if case .requestPut(let put) = op.request, put.key.starts(with: prefix) {
                return String(decoding: put.key, as: UTF8.self)
            }
        }
        return nil
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
