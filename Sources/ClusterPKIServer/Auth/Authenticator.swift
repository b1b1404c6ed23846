import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging
import X509

/// Decides the ``Identity`` of a request: client certificate, then bearer token, then anonymous.
///
/// Only ``AuthenticationMiddleware`` calls it, for the routes that need an identity, so discovery and cluster-info
/// never touch the store for it. Any `Authorization` scheme other than `Bearer` (kubectl's `--username anonymous`
/// sends Basic) is anonymous. Invalid credentials are 401; a client in back-off, or a wrong secret for a token id in
/// back-off, is 429 with `Retry-After` (the mapping of ``KubernetesStatus/init(_:object:)``); see ``AuthThrottle``.
struct Authenticator: Sendable {
    /// The CA bundle now: a client certificate from any CA of `ca.crt` is accepted, so both during a rotation.
    let authorities: ClusterCAWatcher
    let tokens: any TokenStore
    let ledger: any CredentialLedger
    /// Where the success event of a token checked read-only is recorded: written behind by `writeBehind` when it
    /// runs, else at once in `audit`.
    let audit: any AuditLog
    let writeBehind: AuditWriteBehind?
    /// The store's policy: ``TokenAuthPolicy/recordsFailures`` off, the throttle counts.
    var tokenPolicy: TokenAuthPolicy {
        var policy = throttle.policy
        policy.recordsFailures = false
        return policy
    }
    let throttle: AuthThrottle
    let peer: any ConnectionPeer
    let metrics: ServerMetrics
    let now: @Sendable () -> Date

    /// The identity of `request`, which came from `client`, and for a token without a use limit (checked read-only,
    /// nothing written) the success audit event the caller must record; every other token goes through the store's
    /// write path, which records its event with the use it consumes.
    func identity(for request: Request, context: ServerContext, client: String) async throws -> (
        Identity, pendingAudit: AuditEvent?
    ) {
        if let certificate = await peer.certificate(for: request, context: context) {
            return (.certificate(try await verify(certificate, client: client, logger: context.logger)), nil)
        }
        guard let header = request.headers[.authorization] else { return (.anonymous, nil) }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return (.anonymous, nil) }
        let presented = parts[1].trimmingCharacters(in: .whitespaces)
        let tokenID = (try? BootstrapTokenString(parsing: presented))?.id
        let time = now()
        if let refusal = throttle.backOff(client: client, tokenID: tokenID, now: time) {
            metrics.tokenAuthFailure(reason: "locked_out")
            if refusal.log {
                context.logger.notice("bootstrap token refused: back-off", metadata: ["client": .untrusted(client)])
            }
            throw StoreError.tooManyAttempts(retryAfter: refusal.retryAfter)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let readOnly = try await tokens.authenticateReadOnly(presented, client: client, now: time)
        metrics.tokenCheck(path: "read_only", duration: clock.now - start)
        if let identity = readOnly {
            return (.token(identity), .authenticatedToken(identity, client: client, now: time))
        }
        let writeStart = clock.now
        defer { metrics.tokenCheck(path: "write", duration: clock.now - writeStart) }
        do {
            // The throttle counts failures, so the store is asked not to: a wrong guess costs no database write.
            let identity = try await tokens.authenticate(presented, client: client, policy: tokenPolicy, now: time)
            return (.token(identity), nil)
        } catch let error as StoreError {
            switch error {
            case .malformedToken, .tokenNotFound, .tokenSecretMismatch, .tokenNotForAuthentication, .tokenExpired:
                let reason = Self.reason(error)
                var wrongSecret = false
                if case .tokenSecretMismatch = error { wrongSecret = true }
                let failure = throttle.failed(
                    client: client, tokenID: tokenID, reason: reason, wrongSecret: wrongSecret, now: time)
                metrics.tokenAuthFailure(reason: failure.retryAfter == nil ? reason : "locked_out")
                // One line per client and token id per window; the drain logs how many followed. The presented text
                // is never logged: the store's message never holds the secret.
                if failure.log {
                    context.logger.notice(
                        "bootstrap token rejected", metadata: ["client": .untrusted(client), "reason": "\(reason)"])
                }
                if let retryAfter = failure.retryAfter { throw StoreError.tooManyAttempts(retryAfter: retryAfter) }
            default:
                break
            }
            throw error  // 401 / 429 / 500 through the one mapping, at the edge
        }
    }

    /// Records the success event of a token checked read-only: queued for ``AuditWriteBehind`` when it runs and has
    /// room, else written now.
    func record(_ event: AuditEvent) async throws {
        if let writeBehind, writeBehind.enqueue(event) { return }
        try await audit.recordAuditEvent(event)
    }

    /// Checks a client certificate the TLS layer accepted: issued by a CA of the current `ca.crt`, valid now, for
    /// client authentication, and not revoked in the ledger.
    func verify(_ certificate: Certificate, client: String, logger: Logger) async throws -> CertificateIdentity {
        let (commonName, organizations) = certificate.subject.kubernetesIdentity
        let serial = certificate.serialHex
        func reject(_ why: String) -> KubernetesStatus {
            metrics.clientCertificateFailure(reason: why)
            logger.notice(
                "client certificate rejected",
                metadata: [
                    "client": .untrusted(client), "cn": .untrusted(commonName), "serial": "\(serial)",
                    "reason": "\(why)",
                ])
            return .unauthorized
        }
        guard authorities.current().trusts(certificate) else { throw reject("unknown_ca") }
        let time = now()
        guard certificate.notValidBefore <= time, time <= certificate.notValidAfter else { throw reject("expired") }
        if let usages = try? certificate.extensions.extendedKeyUsage, !usages.contains(.clientAuth),
            !usages.contains(.any)
        {
            throw reject("not_client_auth")
        }
        guard !commonName.isEmpty else { throw reject("empty_cn") }
        if try await ledger.isRevoked(serial: serial) { throw reject("revoked") }
        return CertificateIdentity(
            commonName: commonName, organizations: organizations, serial: serial, notAfter: certificate.notValidAfter)
    }

    static func reason(_ error: StoreError) -> String {
        switch error {
        case .malformedToken: return "malformed"
        case .tokenNotFound: return "unknown_or_expired"
        case .tokenSecretMismatch: return "wrong_secret"
        case .tokenNotForAuthentication: return "no_authentication_usage"
        case .tokenExpired: return "exhausted"
        default: return "other"
        }
    }
}
