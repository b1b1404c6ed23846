import Foundation

/// Where one rotation stands (a CA, or `sa`), for the report and the status page.
public struct RotationStatus: Sendable, Hashable, Codable {
    /// `ca`, `front-proxy-ca`, `etcd-ca` or `sa`.
    public var subject: String
    /// `idle`, `prepared`, `switched` or `inconsistent`.
    public var stage: String
    /// The phase the store recorded last and when, if any.
    public var recordedPhase: String?
    public var recordedAt: Date?
    /// What the next phase waits for, one item each; empty when nothing does.
    public var waitsFor: [String]
    /// The command of the next step, if one is due.
    public var next: String?

    public init(
        subject: String, stage: String, recordedPhase: String?, recordedAt: Date?, waitsFor: [String], next: String?
    ) {
        self.subject = subject
        self.stage = stage
        self.recordedPhase = recordedPhase
        self.recordedAt = recordedAt
        self.waitsFor = waitsFor
        self.next = next
    }

    /// Whether a rotation is under way.
    public var inProgress: Bool { stage != "idle" }
}
