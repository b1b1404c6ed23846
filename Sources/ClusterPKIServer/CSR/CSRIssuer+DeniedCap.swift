import ClusterPKIStore
import Foundation

extension CSRIssuer {
    /// Refuses (429) a CSR that would be stored denied when `requester` already has `deniedLimit` denied (or failed)
    /// CSRs stored: a client retrying a refused request would otherwise fill the store until the CSR cleaner
    /// catches up. Only the denial path lists the store; an approval never pays for it. Two denials racing may both
    /// pass the count, so the cap may be exceeded by the number of concurrent requests.
    func checkDeniedCap(of requester: Identity) async throws {
        var denied = 0
        for request in try await store.certificateRequests()
        where request.requester == requester.username && request.deniedSince != nil {
            denied += 1
            if denied >= deniedLimit {
                throw KubernetesStatus.tooManyDeniedRequests(
                    user: requester.username, limit: deniedLimit, ttl: deniedTTL)
            }
        }
    }
}
