/// One member's answer to `Maintenance.Status`, or why it gave none.
public struct EtcdEndpointStatus: Sendable, Hashable {
    /// The endpoint asked.
    public var endpoint: String
    /// The etcd server version, e.g. `3.4.23`.
    public var version: String?
    /// The backend size in bytes (counts against the cluster's `--quota-backend-bytes`).
    public var databaseSize: Int64?
    /// The member id of the leader this member knows; 0 means it knows none (no quorum).
    public var leader: UInt64?
    /// Whether this member is the leader.
    public var isLeader: Bool
    /// Alarms and errors the member reports (e.g. `NOSPACE`).
    public var errors: [String]
    /// Why the member could not be asked, if it could not.
    public var failure: String?

    /// Answered, knows a leader, and reports no error.
    public var isHealthy: Bool { failure == nil && (leader ?? 0) != 0 && errors.isEmpty }
}
