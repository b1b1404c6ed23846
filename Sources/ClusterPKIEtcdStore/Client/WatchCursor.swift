import Synchronization

/// The revision a watch resumes from, shared by the RPC's response handler and the reconnect loop.
final class WatchCursor: Sendable {
    private let next: Mutex<Int64>

    init(next: Int64) { self.next = Mutex(next) }

    /// The first revision not yet reported.
    var revision: Int64 { next.withLock { $0 } }

    /// Moves to `revision`; never backwards, so a late progress notification cannot repeat events.
    func advance(to revision: Int64) { next.withLock { $0 = max($0, revision) } }

    /// Restarts at `revision` (after a re-list).
    func reset(to revision: Int64) { next.withLock { $0 = revision } }
}
