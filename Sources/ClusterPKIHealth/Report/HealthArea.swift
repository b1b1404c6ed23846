/// What a finding is about: one per check of the health model, in the order `clusterpki doctor` prints them.
public enum HealthArea: String, Sendable, Codable, CaseIterable {
    /// Every certificate chains to its CA, matches its key and covers its configured SANs.
    case certificates
    /// Every kubeconfig trusts the CA bundle, points at its API server and holds a client certificate of the CA.
    case kubeconfigs
    /// Nothing is expired or inside the policy's renewal window.
    case expiry
    /// CA and service-account key rotations in progress, and what their next phase waits for.
    case rotation
    /// Bootstrap tokens near expiry, without expiry or used up.
    case tokens
    /// The last `clusterpki rotate --report` file.
    case rotateReport = "rotate-report"
    /// Private keys 0600, directories 0700.
    case fileModes = "file-modes"
    /// The state database and its key belong together.
    case state
    /// The store's own health (etcd members, its client certificates) when the backend can tell.
    case store
}
