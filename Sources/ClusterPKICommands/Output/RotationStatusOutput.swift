import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// `ca status` and `sa status`: one line per fact, as the rotation runbooks grep them.
enum RotationStatusOutput {
    /// `ca status`: one line per rotatable CA.
    static func authorities(_ entries: [(name: String, phase: RotationPhase?, bundle: Int)]) -> [String] {
        entries.map { entry in
            let phase =
                entry.phase.map { "\($0.phase) at \($0.updatedAt.ISO8601Format()) (\($0.detail))" } ?? "none recorded"
            return "\(entry.name): phase \(phase); trust bundle holds \(entry.bundle) certificate(s)"
        }
    }

    /// `sa status`: the key state, the last recorded phase and the key fingerprints.
    static func serviceAccount(_ status: ServiceAccountKeyRotation.Status) -> [String] {
        let phase =
            status.recorded.map { "\($0.phase) at \($0.updatedAt.ISO8601Format()) by \($0.actor) (\($0.detail))" }
            ?? "none recorded"
        return [
            "state: \(status.state)",
            "last phase: \(phase)",
            "signing key (sa.key): \(status.signingKey ?? "missing")",
            "verification keys (sa.pub): \(status.verificationKeys.joined(separator: ", "))",
        ]
    }
}
