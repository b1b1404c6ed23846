import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation

extension StoredCertificateRequest {
    /// When the request was denied or failed (its `Denied` or `Failed` condition, as kube-controller-manager's
    /// csrcleaner reads it), or nil for a request approved or pending. A condition without a time counts from the
    /// request's creation; an object that does not decode counts as not denied (it is never deleted by age).
    var deniedSince: Date? {
        guard Self.mayBeDenied(object) else { return nil }
        guard let decoded = try? KubernetesJSON.decode(StoredConditions.self, from: object),
            let condition = decoded.status?.conditions?.first(where: {
                ($0.type == "Denied" || $0.type == "Failed") && $0.status == "True"
            })
        else { return nil }
        let stamp = condition.lastUpdateTime ?? condition.lastTransitionTime
        return stamp.flatMap(RFC3339.parse) ?? created
    }

    /// Whether the stored JSON holds the string `"Denied"` or `"Failed"`, as a condition of either type must: stored
    /// objects are written by clusterpki's encoders, which never escape letters. Most stored requests are approved,
    /// and the denied cap asks about every stored request of its requester: those are answered without a JSON decode
    /// (which cost ~90,000 instructions per request).
    static func mayBeDenied(_ object: Data) -> Bool {
        deniedOrFailed.contains { ByteSearch.firstOffset(of: $0, in: object) != nil }
    }

    /// The two quoted condition types, as bytes once rather than for every stored request the cap asks about.
    private static let deniedOrFailed = [Array(#""Denied""#.utf8), Array(#""Failed""#.utf8)]
}
