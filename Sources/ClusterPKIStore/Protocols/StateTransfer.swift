import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Copying a whole store to another backend (`clusterpki store migrate`) and counting what it holds
/// (`clusterpki store status`).
///
/// Every backend implements it with the same meaning, so a snapshot exported from one and written into another
/// exports again with the same ``StateSnapshot/digest``.
public protocol StateTransfer: Sendable {
    /// Every record (no failed-authentication counters), expired tokens and uploads included as they are stored.
    func exportState() async throws -> StateSnapshot
    /// Replaces everything this store holds (failure counters included) with `snapshot`; the store key stays. Tokens
    /// are sealed again under this store's key, the audit log is written in the snapshot's order.
    func replaceState(with snapshot: StateSnapshot) async throws
    /// How many records of each kind are stored, without reading them.
    func stateCounts() async throws -> StateCounts
}
