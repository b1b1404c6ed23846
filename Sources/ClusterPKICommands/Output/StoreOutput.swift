import ClusterPKIEtcdStore
import ClusterPKIStore

/// The texts of `store status` and `store migrate`.
enum StoreOutput {
    /// `backend: ...` and one line per etcd endpoint.
    static func backend(_ description: String, endpoints: [EtcdEndpointStatus]) -> [String] {
        ["store: \(description)"]
            + endpoints.map { status in
                guard status.failure == nil else {
                    return "endpoint \(status.endpoint): unreachable: \(status.failure ?? "")"
                }
                var fields = [
                    status.isHealthy ? "healthy" : "unhealthy", "version=\(status.version ?? "?")",
                    "leader=\(status.isLeader ? "this member" : (status.leader ?? 0) == 0 ? "none" : String(status.leader ?? 0, radix: 16))",
                    "dbSize=\(status.databaseSize.map(String.init) ?? "?")",
                ]
                if !status.errors.isEmpty { fields.append("errors=\(status.errors.joined(separator: ","))") }
                return "endpoint \(status.endpoint): " + fields.joined(separator: " ")
            }
    }

    /// `counts: tokens=N uploads=N ...`.
    static func counts(_ counts: StateCounts) -> String {
        "counts: " + counts.fields.map { "\($0.name)=\($0.count)" }.joined(separator: " ")
    }

    /// Both sides with their counts and digests, then what happened.
    static func migration(_ result: StoreMigration.Result, source: String, target: String) -> [String] {
        [
            "source \(source): \(counts(result.source))", "  digest sha256:\(result.sourceDigest)",
            "target \(target): \(counts(result.target))", "  digest sha256:\(result.targetDigest)",
            result.copied
                ? "copied \(result.source.total) records; counts and digests equal. Failed-authentication counters were not copied (they restart empty)."
                : "the target already holds exactly the source's records; nothing was changed.",
        ]
    }
}
