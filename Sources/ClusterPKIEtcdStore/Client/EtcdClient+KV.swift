import ClusterPKIStore
import EtcdAPI
import Foundation
import GRPCCore

/// etcd's KV service: range, put, delete range and transactions, each checked to stay under the prefix.
extension EtcdClient {
    /// Reads a key or a range (`rangeEnd`), with etcd's sort, limit and count options.
    public func range(_ request: Etcdserverpb_RangeRequest) async throws -> Etcdserverpb_RangeResponse {
        try checkRange(request.key, request.rangeEnd)
        return try await call { client, options in
            try await Etcdserverpb_KV.Client(wrapping: client).range(request, options: options)
        }
    }

    /// Writes one key, optionally attached to a lease.
    public func put(_ request: Etcdserverpb_PutRequest) async throws -> Etcdserverpb_PutResponse {
        try checkRange(request.key, Data())
        return try await call { client, options in
            try await Etcdserverpb_KV.Client(wrapping: client).put(request, options: options)
        }
    }

    /// Deletes a key or a range.
    public func deleteRange(_ request: Etcdserverpb_DeleteRangeRequest) async throws -> Etcdserverpb_DeleteRangeResponse
    {
        try checkRange(request.key, request.rangeEnd)
        return try await call { client, options in
            try await Etcdserverpb_KV.Client(wrapping: client).deleteRange(request, options: options)
        }
    }

    /// Runs `success` if every compare holds, else `failure`, atomically; `succeeded` tells which.
    public func txn(_ request: Etcdserverpb_TxnRequest) async throws -> Etcdserverpb_TxnResponse {
        try checkTxn(request)
        let send: @Sendable (GRPCClient<Transport>, CallOptions) async throws -> Etcdserverpb_TxnResponse = {
            client, options in
            try await Etcdserverpb_KV.Client(wrapping: client).txn(request, options: options)
        }
        if deliversTransactionsTwice { _ = try await call(send) }
        return try await call(send)
    }

    /// The key, or `nil`.
    public func get(_ key: String) async throws -> Mvccpb_KeyValue? {
        try await range(.init(key: key)).kvs.first
    }

    // MARK: Staying under the prefix

    private func checkTxn(_ request: Etcdserverpb_TxnRequest) throws {
        guard request.compare.count <= Self.maxTxnOps, request.success.count <= Self.maxTxnOps,
            request.failure.count <= Self.maxTxnOps
        else {
            throw StoreError.etcd(
                detail:
                    "a transaction of more than \(Self.maxTxnOps) operations (etcd's --max-txn-ops) was refused before sending"
            )
        }
        for compare in request.compare { try checkRange(compare.key, compare.rangeEnd) }
        for op in request.success + request.failure {
            switch op.request {
            case .requestRange(let range): try checkRange(range.key, range.rangeEnd)
            case .requestPut(let put): try checkRange(put.key, Data())
            case .requestDeleteRange(let delete): try checkRange(delete.key, delete.rangeEnd)
            case .requestTxn(let nested): try checkTxn(nested)
            case nil: break
            }
        }
    }

    /// Refuses any key or range that leaves the configured prefix (the API server's `/registry/` above all).
    private func checkRange(_ key: Data, _ rangeEnd: Data) throws {
        let prefix = Data(configuration.prefix.utf8)
        let prefixEnd = EtcdKeys.rangeEnd(ofPrefix: prefix)
        guard key.starts(with: prefix), rangeEnd.isEmpty || !prefixEnd.lexicographicallyPrecedes(rangeEnd) else {
            throw StoreError.etcd(
                detail:
                    "refused to touch \(String(decoding: key, as: UTF8.self)) outside the prefix \(configuration.prefix)"
            )
        }
    }

    /// etcd's default `--max-txn-ops`: operations per compare, success and failure list.
    public static let maxTxnOps = 128
    /// etcd's default `--max-request-bytes`, 1.5 MiB.
    public static let maxRequestBytes = 1_572_864
}
