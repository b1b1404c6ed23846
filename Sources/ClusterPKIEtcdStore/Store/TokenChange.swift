/// A change of the shared token set made through any replica, as reported by ``EtcdStateStore/tokenChanges()``.
public enum TokenChange: Sendable, Hashable {
    /// A token was created (by `token create`, `upload-certs`, or another replica).
    case created(id: String)
    /// A token was deleted, swept, or collected by its lease.
    case deleted(id: String)
    /// Changes may have been missed (etcd compacted the history, or the watch restarted): re-read every token.
    case resynced
}
