import ClusterPKIEtcdStore
import ClusterPKIStore
import ClusterPKITesting
import EtcdAPI
import Foundation

/// What a test counts beneath the store: SQLite rows, or etcd keys (and the blobs inside upload values).
enum Stored: Sendable {
    case tokens, uploads, uploadBlobs, authFailures, rotationPhases, credentials, certificateRequests, nodes

    var table: String {
        switch self {
        case .tokens: "bootstrapToken"
        case .uploads: "upload"
        case .uploadBlobs: "uploadBlob"
        case .authFailures: "authFailure"
        case .rotationPhases: "rotationPhase"
        case .credentials: "credential"
        case .certificateRequests: "certificateRequest"
        case .nodes: "node"
        }
    }

    var keyPrefix: String {
        switch self {
        case .tokens: "tokens/"
        case .uploads, .uploadBlobs: "uploads/"
        case .authFailures: "auth-failures/"
        case .rotationPhases: "rotation/"
        case .credentials: "credentials/"
        case .certificateRequests: "csr/"
        case .nodes: "nodes/"
        }
    }
}

extension StoreFixture {
    /// How many `what` are stored, read beneath the store's API.
    func count(_ what: Stored) async throws -> Int {
        if let sqlitePath { return try rawCount(sqlitePath, "SELECT count(*) FROM \(what.table)") }
        let kvs = try await etcdClient().list(prefix: prefix + what.keyPrefix).kvs
        guard case .uploadBlobs = what else { return kvs.count }
        return try kvs.reduce(0) { total, kv in
            let object = try JSONSerialization.jsonObject(with: kv.value) as? [String: Any]
            return total + ((object?["blobs"] as? [String: Any])?.count ?? 0)
        }
    }

    /// Every stored byte: the SQLite file and its WAL, or every value and key under the etcd prefix.
    func rawContents() async throws -> Data {
        if let sqlitePath {
            return try [sqlitePath, sqlitePath + "-wal"].filter { FileManager.default.fileExists(atPath: $0) }
                .reduce(Data()) { $0 + (try Data(contentsOf: URL(fileURLWithPath: $1))) }
        }
        return try await etcdClient().list(prefix: prefix).kvs.reduce(Data()) { $0 + $1.key + $1.value }
    }
}
