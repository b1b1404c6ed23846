import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import NIOConcurrencyHelpers

/// A ``StateStore`` that forwards every call to `base` and counts it by method name, so a test can say which store
/// calls a request made (none for anonymous routes, one write for a CSR).
public final class CountingStore: StateStore {
    public let base: any StateStore
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    public init(_ base: any StateStore) { self.base = base }

    /// Calls so far, by method name (e.g. `authenticate`, `createCertificateRequest`).
    public var calls: [String: Int] { counts.withLockedValue { $0 } }

    public func reset() { counts.withLockedValue { $0 = [:] } }

    private func count(_ name: String) { counts.withLockedValue { $0[name, default: 0] += 1 } }

    // MARK: TokenStore

    public func createToken(_ request: TokenRequest, actor: String, now: Date) async throws -> BootstrapToken {
        count("createToken")
        return try await base.createToken(request, actor: actor, now: now)
    }
    public func listTokens(now: Date) async throws -> [BootstrapToken] {
        count("listTokens")
        return try await base.listTokens(now: now)
    }
    public func token(id: String, now: Date) async throws -> BootstrapToken? {
        count("token")
        return try await base.token(id: id, now: now)
    }
    public func deleteToken(id: String, actor: String, now: Date) async throws {
        count("deleteToken")
        try await base.deleteToken(id: id, actor: actor, now: now)
    }
    public func authenticate(_ presented: String, client: String, policy: TokenAuthPolicy, now: Date) async throws
        -> TokenAuthentication
    {
        count("authenticate")
        return try await base.authenticate(presented, client: client, policy: policy, now: now)
    }
    public func authenticateReadOnly(_ presented: String, client: String, now: Date) async throws
        -> TokenAuthentication?
    {
        count("authenticateReadOnly")
        return try await base.authenticateReadOnly(presented, client: client, now: now)
    }
    public func sweepExpired(now: Date) async throws -> Int {
        count("sweepExpired")
        return try await base.sweepExpired(now: now)
    }

    // MARK: UploadStore

    public func storeUpload(name: String, blobs: [String: Data], ttl: TimeInterval, actor: String, now: Date)
        async throws -> Upload
    {
        count("storeUpload")
        return try await base.storeUpload(name: name, blobs: blobs, ttl: ttl, actor: actor, now: now)
    }
    public func upload(named name: String, now: Date) async throws -> Upload {
        count("upload")
        return try await base.upload(named: name, now: now)
    }
    public func deleteUpload(named name: String, actor: String, now: Date) async throws {
        count("deleteUpload")
        try await base.deleteUpload(named: name, actor: actor, now: now)
    }

    // MARK: AuditLog

    public func recordAuditEvent(_ event: AuditEvent) async throws {
        count("recordAuditEvent")
        try await base.recordAuditEvent(event)
    }
    public func auditEvents(limit: Int?) async throws -> [AuditEvent] {
        count("auditEvents")
        return try await base.auditEvents(limit: limit)
    }
    public func recordAuditEvents(_ events: [AuditEvent]) async throws {
        count("recordAuditEvents")
        try await base.recordAuditEvents(events)
    }
    public func probeWrite(now: Date) async throws {
        count("probeWrite")
        try await base.probeWrite(now: now)
    }
    public func pruneAuditEvents(olderThan cutoff: Date, keepingNewest maxRows: Int) async throws -> Int {
        count("pruneAuditEvents")
        return try await base.pruneAuditEvents(olderThan: cutoff, keepingNewest: maxRows)
    }

    // MARK: CredentialLedger

    public func recordCredential(_ credential: IssuedCredential) async throws {
        count("recordCredential")
        try await base.recordCredential(credential)
    }
    public func credentials() async throws -> [IssuedCredential] {
        count("credentials")
        return try await base.credentials()
    }
    public func revokeCredential(serial: String, actor: String, now: Date) async throws -> IssuedCredential {
        count("revokeCredential")
        return try await base.revokeCredential(serial: serial, actor: actor, now: now)
    }
    public func revokeCredentials(clientName: String, actor: String, now: Date) async throws -> [IssuedCredential] {
        count("revokeCredentials")
        return try await base.revokeCredentials(clientName: clientName, actor: actor, now: now)
    }
    public func isRevoked(serial: String) async throws -> Bool {
        count("isRevoked")
        return try await base.isRevoked(serial: serial)
    }

    // MARK: RotationPhaseStore

    public func rotationPhase(_ subject: String) async throws -> RotationPhase? {
        count("rotationPhase")
        return try await base.rotationPhase(subject)
    }
    public func recordRotationPhase(_ phase: RotationPhase) async throws {
        count("recordRotationPhase")
        try await base.recordRotationPhase(phase)
    }

    // MARK: CertificateRequestStore

    public func createCertificateRequest(
        name: String, requester: String, object: Data, now: Date, recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest {
        count("createCertificateRequest")
        return try await base.createCertificateRequest(
            name: name, requester: requester, object: object, now: now, recording: records)
    }
    public func updateCertificateRequest(name: String, object: Data) async throws -> StoredCertificateRequest {
        count("updateCertificateRequest")
        return try await base.updateCertificateRequest(name: name, object: object)
    }
    public func updateCertificateRequest(
        name: String, object: Data, ifResourceVersion resourceVersion: Int64,
        recording records: CertificateRequestRecords
    ) async throws -> StoredCertificateRequest {
        count("updateCertificateRequest")
        return try await base.updateCertificateRequest(
            name: name, object: object, ifResourceVersion: resourceVersion, recording: records)
    }
    public func deleteCertificateRequest(name: String, recording records: CertificateRequestRecords) async throws
        -> StoredCertificateRequest
    {
        count("deleteCertificateRequest")
        return try await base.deleteCertificateRequest(name: name, recording: records)
    }
    public func certificateRequest(named name: String) async throws -> StoredCertificateRequest? {
        count("certificateRequest")
        return try await base.certificateRequest(named: name)
    }
    public func certificateRequests() async throws -> [StoredCertificateRequest] {
        count("certificateRequests")
        return try await base.certificateRequests()
    }
    public func certificateRequests(after: String?, limit: Int?) async throws -> [StoredCertificateRequest] {
        count("certificateRequests(after:limit:)")
        return try await base.certificateRequests(after: after, limit: limit)
    }
    public func certificateRequests(createdAtOrBefore cutoff: Date) async throws -> [StoredCertificateRequest] {
        count("certificateRequests(createdAtOrBefore:)")
        return try await base.certificateRequests(createdAtOrBefore: cutoff)
    }
    public func certificateRequestsVersion() async throws -> Int64 {
        count("certificateRequestsVersion")
        return try await base.certificateRequestsVersion()
    }
    public func recordNode(_ node: NodeRecord) async throws {
        count("recordNode")
        try await base.recordNode(node)
    }
    public func node(named name: String) async throws -> NodeRecord? {
        count("node")
        return try await base.node(named: name)
    }
    public func countUploadFetch(name: String, actor: String, tokenID: String?, now: Date) async throws -> Int {
        count("countUploadFetch")
        return try await base.countUploadFetch(name: name, actor: actor, tokenID: tokenID, now: now)
    }

    // MARK: SigningTokenSource

    public func signingTokens(now: Date) async throws -> [BootstrapTokenString] {
        count("signingTokens")
        return try await base.signingTokens(now: now)
    }

    // MARK: StateTransfer

    public func exportState() async throws -> StateSnapshot {
        count("exportState")
        return try await base.exportState()
    }
    public func replaceState(with snapshot: StateSnapshot) async throws {
        count("replaceState")
        try await base.replaceState(with: snapshot)
    }
    public func stateCounts() async throws -> StateCounts {
        count("stateCounts")
        return try await base.stateCounts()
    }
}
