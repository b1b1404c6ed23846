import EtcdAPI
import Foundation
import SwiftProtobuf

// Short constructors for the generated request types; keys are full etcd keys (see ``EtcdKeys``).

extension Etcdserverpb_RangeRequest {
    /// One key.
    public init(key: String) {
        self.init()
        self.key = Data(key.utf8)
    }

    /// Every key under `prefix`, sorted by `target`, at most `limit` (0: no limit).
    public init(
        prefix: String, sortBy target: SortTarget = .key, order: SortOrder = .ascend, limit: Int64 = 0,
        countOnly: Bool = false
    ) {
        self.init()
        key = Data(prefix.utf8)
        rangeEnd = EtcdKeys.rangeEnd(ofPrefix: key)
        sortTarget = target
        sortOrder = order
        self.limit = limit
        self.countOnly = countOnly
    }
}

extension Etcdserverpb_Compare {
    /// Holds while `key`'s create revision is `revision`; 0 means the key does not exist.
    public static func createRevision(_ key: String, is revision: Int64) -> Self {
        .with {
            $0.key = Data(key.utf8)
            $0.target = .create
            $0.result = .equal
            // Setting the oneof explicitly: an unset target value makes an empty compare.
            $0.createRevision = revision
        }
    }

    /// Holds while `key` was last written at `revision` (0: the key does not exist).
    public static func modRevision(_ key: String, is revision: Int64) -> Self {
        .with {
            $0.key = Data(key.utf8)
            $0.target = .mod
            $0.result = .equal
            $0.modRevision = revision
        }
    }
}

extension Etcdserverpb_RequestOp {
    /// Writes `value` at `key`; `lease` 0 detaches the key from any lease unless `keepLease`.
    public static func put(_ key: String, _ value: Data, lease: Int64 = 0, keepLease: Bool = false) -> Self {
        .with {
            $0.requestPut = .with { put in
                put.key = Data(key.utf8)
                put.value = value
                put.lease = keepLease ? 0 : lease
                put.ignoreLease = keepLease
            }
        }
    }

    /// Deletes `key`.
    public static func delete(_ key: String) -> Self {
        .with { $0.requestDeleteRange = .with { $0.key = Data(key.utf8) } }
    }

    /// Deletes every key under `prefix`.
    public static func deleteRange(prefix: String) -> Self {
        .with {
            $0.requestDeleteRange = .with { delete in
                delete.key = Data(prefix.utf8)
                delete.rangeEnd = EtcdKeys.rangeEnd(ofPrefix: delete.key)
            }
        }
    }

    /// Reads `key`.
    public static func get(_ key: String) -> Self {
        range(.init(key: key))
    }

    /// Runs `request` (any range read) inside the transaction.
    public static func range(_ request: Etcdserverpb_RangeRequest) -> Self {
        .with { $0.requestRange = request }
    }
}

extension Etcdserverpb_TxnRequest {
    /// `success` if all of `compare` hold, else `failure`.
    public init(
        compare: [Etcdserverpb_Compare], success: [Etcdserverpb_RequestOp], failure: [Etcdserverpb_RequestOp] = []
    ) {
        self.init()
        self.compare = compare
        self.success = success
        self.failure = failure
    }
}

extension Mvccpb_KeyValue {
    /// The key as text.
    public var keyString: String { String(decoding: key, as: UTF8.self) }
}
