/// A change of the shared token set made through any replica, as a store that several servers share reports it.
public enum TokenChange: Sendable, Hashable {
    /// A token was created (by `token create`, `upload-certs`, or another replica).
    case created(id: String)
    /// A token was deleted, swept, or collected by its lease.
    case deleted(id: String)
    /// Changes may have been missed (the history was compacted, or the watch restarted): re-read every token.
    case resynced
}

/// A store shared by several `clusterpki serve` replicas that can tell each of them when a token was created or
/// deleted through another one, so that every replica re-signs cluster-info at once.
public protocol TokenChangeFeed: Sendable {
    /// Changes from now on, until the consumer stops iterating.
    func tokenChanges() -> AsyncStream<TokenChange>
}
