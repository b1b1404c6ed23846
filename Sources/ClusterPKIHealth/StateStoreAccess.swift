import ClusterPKIStore
import Foundation

/// The state store as the caller could open it without creating anything: the health model reports the state key
/// from it and reads tokens, rotation phases and the ledger through it.
public enum StateStoreAccess: Sendable {
    /// The store opened: its key fits the database. `database` and `key` name them in findings.
    case opened(any StateStore, database: String, key: String)
    /// No database exists there yet: nothing was stored, nothing to check.
    case absent(database: String)
    /// The database exists but its key file does not.
    case keyMissing(database: String, key: String)
    /// The database exists and did not open with the key (a mismatch, a key readable by others, not a state database).
    case unusable(database: String, key: String, error: StoreError)

    /// The store when it opened.
    public var store: (any StateStore)? {
        if case .opened(let store, _, _) = self { return store }
        return nil
    }
}
