import ClusterPKIAPI
import ClusterPKICore
import Foundation

extension TokenStore {
    /// `token delete`: deletes the tokens in order; `deleted` hears each id as soon as it is gone, so a later failure
    /// leaves a true account of what was deleted. Parse every argument first (``BootstrapTokenString/id(fromIDOrToken:)``)
    /// so that a malformed one deletes nothing.
    public func deleteTokens(ids: [String], actor: String, now: Date, deleted: (String) -> Void = { _ in }) async throws
    {
        for id in ids {
            try await deleteToken(id: id, actor: actor, now: now)
            deleted(id)
        }
    }
}
