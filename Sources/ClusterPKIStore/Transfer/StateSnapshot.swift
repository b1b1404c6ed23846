import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Everything a state store holds, in a form any backend can write back: what `clusterpki store migrate` copies.
///
/// Tokens carry their clear secret (the target seals it again under its own store key) and the upload they are the
/// proxy of; audit events are oldest first and lose their backend-specific ids; CSRs lose their resource versions
/// (a watch cursor of one backend; clients list again). Failed-authentication counters are not part of it: they only
/// matter for minutes, and a migration starts them afresh.
public struct StateSnapshot: Sendable, Hashable {
    /// A stored token and, for a proxy token, the upload it keeps alive.
    public struct Token: Sendable, Hashable {
        public var token: BootstrapToken
        /// The name of the upload this token is the proxy of.
        public var upload: String?

        public init(token: BootstrapToken, upload: String? = nil) {
            self.token = token
            self.upload = upload
        }
    }

    /// A stored upload; its expiry is its proxy token's.
    public struct StoredUpload: Sendable, Hashable {
        public var upload: Upload
        /// Fetches counted so far (`server.certsDownload.maxFetchesPerUpload`).
        public var fetches: Int

        public init(upload: Upload, fetches: Int) {
            self.upload = upload
            self.fetches = fetches
        }
    }

    /// Sorted by id.
    public var tokens: [Token]
    /// Sorted by name.
    public var uploads: [StoredUpload]
    /// Oldest first.
    public var auditEvents: [AuditEvent]
    /// Sorted by serial.
    public var credentials: [IssuedCredential]
    /// Sorted by name.
    public var certificateRequests: [StoredCertificateRequest]
    /// Sorted by name.
    public var nodes: [NodeRecord]
    /// Sorted by subject.
    public var rotationPhases: [RotationPhase]

    public init(
        tokens: [Token] = [], uploads: [StoredUpload] = [], auditEvents: [AuditEvent] = [],
        credentials: [IssuedCredential] = [], certificateRequests: [StoredCertificateRequest] = [],
        nodes: [NodeRecord] = [], rotationPhases: [RotationPhase] = []
    ) {
        self.tokens = tokens.sorted { $0.token.id < $1.token.id }
        self.uploads = uploads.sorted { $0.upload.name < $1.upload.name }
        self.auditEvents = auditEvents
        self.credentials = credentials.sorted { $0.serial < $1.serial }
        self.certificateRequests = certificateRequests.sorted { $0.name < $1.name }
        self.nodes = nodes.sorted { $0.name < $1.name }
        self.rotationPhases = rotationPhases.sorted { $0.subject < $1.subject }
    }

    /// How many records of each kind it holds.
    public var counts: StateCounts {
        StateCounts(
            tokens: tokens.count, uploads: uploads.count, auditEvents: auditEvents.count,
            credentials: credentials.count, revokedCredentials: credentials.filter(\.isRevoked).count,
            certificateRequests: certificateRequests.count, nodes: nodes.count, rotationPhases: rotationPhases.count)
    }

    /// Nothing stored at all.
    public var isEmpty: Bool { counts.total == 0 }
}
