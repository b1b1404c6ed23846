import EtcdAPI
import Synchronization

/// A replica's copy of the token and failure-counter prefixes, kept by a watch, from which the read-only token check
/// answers without a round trip to the etcd cluster, but only while the copy is known to be current.
///
/// Why it is safe: the copy is "fresh" for ``validity`` after a linearizable probe, *issued at that instant*, found
/// that etcd holds exactly what the copy holds (the same keys at the same mod revisions)
/// (``EtcdStateStore/maintainTokenReadCache()``). A token deleted at commit time `d` is therefore absent from every
/// copy checked after `d`, and a copy checked before `d` stops answering before `d + validity`. Every deletion of a
/// live token waits ``deletionBarrier`` (> ``validity``) after its commit before it returns, so once a delete has
/// returned no replica authenticates that token, as with a linearizable read. (The argument needs only that two
/// machines' monotonic clocks run at nearly the same rate over a second, the assumption of Raft's leader leases.) Only
/// successes are answered here: a token with a use limit, an unknown id, anything that is not plainly a success goes to
/// the read or write path as before, and so does everything when the copy is not fresh.
final class TokenReadCache: Sendable {
    /// How long one successful probe keeps the copy answering.
    static let validity: Duration = .seconds(1)
    /// How long a deletion of a live token waits after its commit: longer than ``validity`` by a margin.
    static let deletionBarrier: Duration = .milliseconds(1_500)
    /// How often the copy is probed.
    static let probeInterval: Duration = .milliseconds(250)

    private struct State {
        /// Per watched prefix: the keys it holds.
        var entries: [String: [String: Mvccpb_KeyValue]] = [:]
        var freshUntil: ContinuousClock.Instant?
        var hits = 0
    }

    private let state = Mutex(State())
    let prefixes: [String]

    init(prefixes: [String]) {
        self.prefixes = prefixes
    }

    /// The values of `keys` (absent: `nil`), or `nil` when the copy is not fresh.
    func lookup(_ keys: [String]) -> [Mvccpb_KeyValue?]? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let until = state.freshUntil, now < until else { return nil }
            return keys.map { key in
                guard let prefix = prefixes.first(where: { key.hasPrefix($0) }) else { return nil }
                return state.entries[prefix]?[key]
            }
        }
    }

    /// Counts an answer given from the copy (tests and metrics read it).
    func recordHit() { state.withLock { $0.hits += 1 } }
    var hits: Int { state.withLock { $0.hits } }

    /// Everything under `prefix`, as listed.
    func replace(prefix: String, with kvs: [Mvccpb_KeyValue]) {
        state.withLock { state in
            state.entries[prefix] = Dictionary(kvs.map { ($0.keyString, $0) }, uniquingKeysWith: { $1 })
        }
    }

    /// One watch event under `prefix`, in revision order.
    func apply(prefix: String, _ event: EtcdWatchEvent) {
        state.withLock { state in
            switch event {
            case .put(let kv):
                state.entries[prefix, default: [:]][kv.keyString] = kv
            case .delete(let kv):
                state.entries[prefix]?[kv.keyString] = nil
            case .resync(let kvs, _):
                state.entries[prefix] = Dictionary(kvs.map { ($0.keyString, $0) }, uniquingKeysWith: { $1 })
            }
        }
    }

    /// Per prefix (in ``prefixes`` order): each key the copy holds and the revision it was last written at, which the
    /// probe compares with etcd's.
    func revisions() -> [[String: Int64]] {
        state.withLock { state in
            prefixes.map { prefix in (state.entries[prefix] ?? [:]).mapValues(\.modRevision) }
        }
    }

    /// The probe issued at `issued` found the copy current.
    func markFresh(issuedAt issued: ContinuousClock.Instant) {
        state.withLock { state in
            let until = issued.advanced(by: Self.validity)
            state.freshUntil = max(state.freshUntil ?? until, until)
        }
    }

    /// The copy must not answer (its watch broke, or it is being rebuilt).
    func invalidate() {
        state.withLock { $0.freshUntil = nil }
    }
}
