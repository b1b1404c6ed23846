import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation

/// What kube-controller-manager's csrcleaner ages a CSR by: its decision, and the time that decision counts from.
struct CSRAge: Equatable, Sendable {
    enum Decision: String, Sendable {
        /// A `Denied` or `Failed` condition (a failed approval ages as a denial), from that condition's time.
        case denied
        /// An `Approved` condition, from its time.
        case approved
        /// No condition, from the creation.
        case pending

        /// The audit event's reason.
        var reason: String {
            switch self {
            case .denied: "DeniedTTLExpired"
            case .approved: "ApprovedTTLExpired"
            case .pending: "PendingTTLExpired"
            }
        }
    }

    var decision: Decision
    var since: Date
}

extension StoredCertificateRequest {
    /// The request's ``CSRAge``: a condition without a time counts from the creation, and conditions that are none
    /// of the three count as pending (so that no request is kept for ever); nil for an object that does not decode
    /// (never deleted by age).
    var age: CSRAge? {
        guard let decoded = try? KubernetesJSON.decode(StoredConditions.self, from: object) else { return nil }
        let conditions = decoded.status?.conditions ?? []
        func since(_ types: Set<String>) -> Date? {
            guard let condition = conditions.first(where: { types.contains($0.type) && $0.status == "True" }) else {
                return nil
            }
            return (condition.lastUpdateTime ?? condition.lastTransitionTime).flatMap(RFC3339.parse) ?? created
        }
        if let denied = since(["Denied", "Failed"]) { return CSRAge(decision: .denied, since: denied) }
        if let approved = since(["Approved"]) { return CSRAge(decision: .approved, since: approved) }
        return CSRAge(decision: .pending, since: created)
    }
}

/// Only the conditions of a stored object: the rest is not decoded.
struct StoredConditions: Decodable {
    struct Status: Decodable { var conditions: [CertificateSigningRequestObject.Condition]? }
    var status: Status?
}
