import EtcdAPI

/// What a watch of a prefix reports, in revision order.
public enum EtcdWatchEvent: Sendable {
    /// A key was created (`kv.version == 1`) or updated.
    case put(Mvccpb_KeyValue)
    /// A key was deleted (by a request or by its lease); the value holds the key and the deletion revision.
    case delete(Mvccpb_KeyValue)
    /// The history the watch needed was compacted away: these are all the keys under the prefix at `revision`, and
    /// the watch goes on from there. Rebuild whatever was derived from earlier events.
    case resync([Mvccpb_KeyValue], revision: Int64)
}

/// The watch asked for a revision older than the last compaction.
struct EtcdWatchCompacted: Error {
    let compactRevision: Int64
}
