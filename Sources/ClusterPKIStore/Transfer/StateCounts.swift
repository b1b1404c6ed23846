/// How many records of each kind a state store holds (`clusterpki store status`, `store migrate`'s check).
public struct StateCounts: Sendable, Hashable {
    public var tokens: Int
    public var uploads: Int
    public var auditEvents: Int
    public var credentials: Int
    /// Of ``credentials``, how many are revoked.
    public var revokedCredentials: Int
    public var certificateRequests: Int
    public var nodes: Int
    public var rotationPhases: Int

    public init(
        tokens: Int = 0, uploads: Int = 0, auditEvents: Int = 0, credentials: Int = 0, revokedCredentials: Int = 0,
        certificateRequests: Int = 0, nodes: Int = 0, rotationPhases: Int = 0
    ) {
        self.tokens = tokens
        self.uploads = uploads
        self.auditEvents = auditEvents
        self.credentials = credentials
        self.revokedCredentials = revokedCredentials
        self.certificateRequests = certificateRequests
        self.nodes = nodes
        self.rotationPhases = rotationPhases
    }

    /// Every record (revoked credentials are counted once, among the credentials).
    public var total: Int {
        tokens + uploads + auditEvents + credentials + certificateRequests + nodes + rotationPhases
    }

    /// `name=count` pairs in a fixed order, for one line of output.
    public var fields: [(name: String, count: Int)] {
        [
            ("tokens", tokens), ("uploads", uploads), ("auditEvents", auditEvents), ("credentials", credentials),
            ("revoked", revokedCredentials), ("certificateRequests", certificateRequests), ("nodes", nodes),
            ("rotationPhases", rotationPhases),
        ]
    }
}
