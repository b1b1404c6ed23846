import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Bootstrap-token storage with kubeadm's semantics.
///
/// A backend stores a keyed hash of each secret (for authentication) and the secret itself only encrypted (for the
/// JWS signatures of cluster-info). Every method takes the current time so that expiry is decided by the caller's
/// clock, never by a hidden `Date()`; expired tokens are deleted when met, like kube-controller-manager's TokenCleaner.
public protocol TokenStore: Sendable {
    /// Stores a new token; fails with ``StoreError/tokenAlreadyExists(id:)`` if its id is taken.
    func createToken(_ request: TokenRequest, actor: String, now: Date) async throws -> BootstrapToken
    /// All live tokens, sorted by id (expired ones are deleted first).
    func listTokens(now: Date) async throws -> [BootstrapToken]
    /// One live token, or `nil`.
    func token(id: String, now: Date) async throws -> BootstrapToken?
    /// Deletes a token (and uploads bound to it); fails with ``StoreError/tokenNotFound(id:)``.
    func deleteToken(id: String, actor: String, now: Date) async throws
    /// Checks a presented `<id>.<secret>`, consumes one use, and returns the identity; `client` keys rate limiting.
    func authenticate(_ presented: String, client: String, policy: TokenAuthPolicy, now: Date) async throws
        -> TokenAuthentication
    /// Deletes every expired token and what is bound to it; returns how many tokens were deleted.
    func sweepExpired(now: Date) async throws -> Int
    /// The read-only fast path of ``authenticate(_:client:policy:now:)``: the identity when `presented` is a live token
    /// without a use limit, with the right secret and the authentication usage, and neither its id nor `client` is
    /// locked out in the store. It writes nothing (no use to consume, no audit event): the caller records
    /// ``AuditEvent/authenticatedToken(_:client:now:)`` itself. `nil` in every other case, failures included; the
    /// caller then calls ``authenticate(_:client:policy:now:)``, which decides again and records.
    func authenticateReadOnly(_ presented: String, client: String, now: Date) async throws -> TokenAuthentication?
}

extension TokenStore {
    /// No fast path: every authentication goes through ``authenticate(_:client:policy:now:)``.
    public func authenticateReadOnly(_ presented: String, client: String, now: Date) async throws
        -> TokenAuthentication?
    { nil }
}
