import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// A stored CertificateSigningRequest: the object is opaque JSON owned by the endpoint that serves it.
public struct StoredCertificateRequest: Sendable, Hashable {
    public var name: String
    /// Increases with every write to any request; clients use it for list/watch.
    public var resourceVersion: Int64
    public var created: Date
    /// The user that created it, e.g. `system:bootstrap:abcdef`.
    public var requester: String
    public var object: Data

    public init(name: String, resourceVersion: Int64, created: Date, requester: String, object: Data) {
        self.name = name
        self.resourceVersion = resourceVersion
        self.created = created
        self.requester = requester
        self.object = object
    }
}

/// What the endpoint recorded about a node when it approved the node's client certificate.
public struct NodeRecord: Sendable, Hashable {
    /// The node name (the CN after `system:node:`).
    public var name: String
    /// IP addresses the node joined from or declared, as text.
    public var addresses: [String]
    public var recorded: Date
    public var recordedBy: String

    public init(name: String, addresses: [String], recorded: Date, recordedBy: String) {
        self.name = name
        self.addresses = addresses
        self.recorded = recorded
        self.recordedBy = recordedBy
    }
}

/// What deciding a request leaves besides the request itself; stored in the same transaction, so a signed
/// certificate is never returned without its ledger row, and a failed insert records none of it.
public struct CertificateRequestRecords: Sendable {
    public var auditEvents: [AuditEvent]
    /// The ledger row of the certificate signed for the request.
    public var credential: IssuedCredential?
    /// The node's addresses, recorded when it joins.
    public var node: NodeRecord?

    public init(auditEvents: [AuditEvent] = [], credential: IssuedCredential? = nil, node: NodeRecord? = nil) {
        self.auditEvents = auditEvents
        self.credential = credential
        self.node = node
    }
}

/// CertificateSigningRequests, node records and upload fetch counts for the join endpoint.
public protocol CertificateRequestStore: Sendable {
    /// Inserts a request with its `records`, all or nothing; fails with
    /// ``StoreError/certificateRequestAlreadyExists(name:)`` if the name is taken.
    func createCertificateRequest(
        name: String, requester: String, object: Data, now: Date, recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest
    /// Replaces the object of an existing request and gives it a new resource version.
    func updateCertificateRequest(name: String, object: Data) async throws -> StoredCertificateRequest
    /// Replaces the object of request `name` if it is still at `resourceVersion`, with `records` (an admin's approval:
    /// its audit event and ledger row), all or nothing; fails with ``StoreError/certificateRequestNotFound(name:)``,
    /// or ``StoreError/certificateRequestConflict(name:)`` when another write came first.
    func updateCertificateRequest(
        name: String, object: Data, ifResourceVersion resourceVersion: Int64,
        recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest
    /// Deletes request `name` with `records` (its audit event), all or nothing, and returns what it was; fails with
    /// ``StoreError/certificateRequestNotFound(name:)``.
    func deleteCertificateRequest(name: String, recording records: CertificateRequestRecords) async throws
        -> StoredCertificateRequest
    /// One request, or `nil`.
    func certificateRequest(named name: String) async throws -> StoredCertificateRequest?
    /// All requests, sorted by name.
    func certificateRequests() async throws -> [StoredCertificateRequest]
    /// One page of the requests sorted by name: those named after `after` (all when nil), at most `limit` (all when
    /// nil). A list with `limit`/`continue` reads these pages.
    func certificateRequests(after: String?, limit: Int?) async throws -> [StoredCertificateRequest]
    /// The requests created at or before `cutoff`, sorted by name: what the CSR cleaner may have to delete, without
    /// reading the younger ones (most of a busy store).
    func certificateRequests(createdAtOrBefore cutoff: Date) async throws -> [StoredCertificateRequest]
    /// The highest resource version so far (0 when there is none).
    func certificateRequestsVersion() async throws -> Int64
    /// Records (or replaces) the addresses of node `name`.
    func recordNode(_ node: NodeRecord) async throws
    /// The record of node `name`, or `nil`.
    func node(named name: String) async throws -> NodeRecord?
    /// Counts one fetch of the live upload `name` and returns the count including it.
    func countUploadFetch(name: String, actor: String, tokenID: String?, now: Date) async throws -> Int
}

extension CertificateRequestStore {
    /// A page cut from the whole list, for a backend without a paged query of its own.
    public func certificateRequests(after: String?, limit: Int?) async throws -> [StoredCertificateRequest] {
        let rest = try await certificateRequests().filter { after == nil || $0.name > after! }
        return limit.map { Array(rest.prefix($0)) } ?? rest
    }

    /// The whole list filtered, for a backend without a query of its own.
    public func certificateRequests(createdAtOrBefore cutoff: Date) async throws -> [StoredCertificateRequest] {
        try await certificateRequests().filter { $0.created <= cutoff }
    }

    /// Inserts a request with nothing else.
    public func createCertificateRequest(name: String, requester: String, object: Data, now: Date) async throws
        -> StoredCertificateRequest
    {
        try await createCertificateRequest(
            name: name, requester: requester, object: object, now: now, recording: CertificateRequestRecords())
    }
}
