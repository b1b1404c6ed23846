import ClusterPKIStore
import Foundation

extension TokenStore {
    /// The tokens live at `now`, read without deleting the expired ones: a listing as of the earliest date expires
    /// nothing, so the doctor and the status page leave the store (and its audit log) as they found it.
    public func liveTokens(readOnlyAt now: Date) async throws -> [BootstrapToken] {
        try await listTokens(now: .distantPast).filter { !$0.isExpired(at: now) }
    }
}
