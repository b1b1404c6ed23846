import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// The phase a rotation (of `sa`, `ca`, `front-proxy-ca` or `etcd-ca`) has completed.
public struct RotationPhase: Sendable, Hashable, Codable {
    /// What rotates: `sa`, `ca`, `front-proxy-ca`, `etcd-ca`.
    public var subject: String
    /// The last phase that completed, e.g. `prepared`, `finished`.
    public var phase: String
    public var updatedAt: Date
    public var actor: String
    /// Free text, e.g. the fingerprint of the new key.
    public var detail: String

    public init(subject: String, phase: String, updatedAt: Date, actor: String, detail: String = "") {
        self.subject = subject
        self.phase = phase
        self.updatedAt = updatedAt
        self.actor = actor
        self.detail = detail
    }
}

/// Where phased rotations record their progress, so each phase is safe to re-run after a crash.
public protocol RotationPhaseStore: Sendable {
    /// The recorded phase of `subject`, or nil when it never rotated.
    func rotationPhase(_ subject: String) async throws -> RotationPhase?
    /// Records a completed phase (and an audit event in the same transaction).
    func recordRotationPhase(_ phase: RotationPhase) async throws
}
