import EtcdAPI
import Synchronization

/// The token and failure-counter values a store last saw, so that a successful authentication can be attempted in
/// one round trip.
///
/// A hint never decides anything on its own: the write that consumes a use holds only while every key still has the
/// mod revision the hint says (absent keys: 0), and any refusal is decided again on values read afresh. A stale hint
/// costs one more round trip, never a wrong answer, so a token deleted or used up through another replica is
/// refused here as well.
final class AuthenticationHints: Sendable {
    private let values = Mutex<[String: Mvccpb_KeyValue]>([:])
    /// Entries kept at most (tokens and the failure counters of recent clients); beyond that the hints start over.
    static let capacity = 4_096

    /// The value last seen at `key`; `nil` means "assume absent".
    func value(_ key: String) -> Mvccpb_KeyValue? {
        values.withLock { $0[key] }
    }

    /// Records what `key` holds now (`nil`: absent).
    func remember(_ key: String, _ value: Mvccpb_KeyValue?) {
        values.withLock { values in
            if values.count >= Self.capacity && values[key] == nil { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
    }
}
