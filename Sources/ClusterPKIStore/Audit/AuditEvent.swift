import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// One audited store operation; it never holds a token secret.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case tokenCreated = "token.create"
        case tokenDeleted = "token.delete"
        case tokenExpired = "token.expire"
        case authenticated = "token.authenticate"
        case authenticationFailed = "token.authenticate.failed"
        case authenticationRefused = "token.authenticate.refused"
        case uploadStored = "upload.store"
        case uploadDeleted = "upload.delete"
        case credentialRecorded = "credential.record"
        case credentialRevoked = "credential.revoke"
        case uploadFetched = "upload.fetch"
        case certificateRequestApproved = "csr.approve"
        case certificateRequestDenied = "csr.deny"
        case certificateRequestPending = "csr.pending"
        case certificateRequestDeleted = "csr.delete"
        case nodeRecorded = "node.record"
        case certificateRenewed = "certificate.renew"
        case rotationFailed = "rotate.failed"
        case rotationPhase = "rotate.phase"
    }

    /// Row id, increasing with time; `nil` before the event is stored.
    public var id: Int64?
    public var time: Date
    /// Who did it: a user name for the CLI, a client address for the endpoint, `token-cleaner` for sweeps.
    public var actor: String
    public var action: Action
    /// The token id concerned, if any.
    public var tokenID: String?
    /// Free text: a failure reason, an upload name, a credential serial.
    public var detail: String

    /// Creates an event to record.
    public init(time: Date, actor: String, action: Action, tokenID: String? = nil, detail: String = "") {
        self.time = time
        self.actor = actor
        self.action = action
        self.tokenID = tokenID
        self.detail = detail
    }
}
