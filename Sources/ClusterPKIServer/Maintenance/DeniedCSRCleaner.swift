import ClusterPKICore
import ClusterPKIStore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes CSRs denied or failed longer than the policy's `server.certificateSigningRequests.deniedTTL` ago, as
/// kube-controller-manager's csrcleaner does (one hour), each with a `csr.delete` audit event in its transaction.
/// Without it every denied CSR (up to `maxRequestBodyBytes` each) would be kept for ever. Approved and pending CSRs
/// are left alone. It goes through the store protocol only, so it works on every backend.
public struct DeniedCSRCleaner: Service {
    /// The audit actor of the deletions.
    public static let actor = "csr-cleaner"
    public let interval: Duration
    let store: any CertificateRequestStore
    let ttl: GoDuration
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any CertificateRequestStore, ttl: GoDuration, interval: Duration = .seconds(60), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.ttl = ttl
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    /// The cleaner of `environment`: its store, its policy's `deniedTTL` and its clock.
    public init(environment: ServerEnvironment, logger: Logger) {
        self.init(
            store: environment.store,
            ttl: environment.serverPolicy.certificateSigningRequests.deniedTTL, logger: logger, now: environment.now)
    }

    public func run() async throws {
        await PeriodicLoop.run(every: interval) { _ = await sweepOnce() }
    }

    /// One sweep; returns the names deleted, or nil when the store could not be listed (logged; the next interval
    /// tries again).
    @discardableResult
    public func sweepOnce() async -> [String]? {
        let time = now()
        let cutoff = time.addingTimeInterval(-ttl.seconds)
        let expired: [StoredCertificateRequest]
        do {
            expired = try await store.certificateRequests().filter { ($0.deniedSince ?? .distantFuture) <= cutoff }
        } catch {
            logger.warning("denied CSR sweep failed; retrying at the next interval", metadata: ["error": "\(error)"])
            return nil
        }
        var deleted = [String]()
        for request in expired {
            let event = AuditEvent(
                time: time, actor: Self.actor, action: .certificateRequestDeleted,
                detail:
                    "\(request.name) reason=DeniedTTLExpired requester=\(request.requester) deniedTTL=\(ttl) (policy server.certificateSigningRequests.deniedTTL)"
            )
            do {
                _ = try await store.deleteCertificateRequest(
                    name: request.name, recording: CertificateRequestRecords(auditEvents: [event]))
                deleted.append(request.name)
            } catch StoreError.certificateRequestNotFound {
                continue  // deleted by an admin (or another replica) since the list
            } catch {
                logger.warning(
                    "cannot delete a denied CSR; retrying at the next interval",
                    metadata: ["csr": "\(request.name)", "error": "\(error)"])
            }
        }
        if !deleted.isEmpty { logger.info("expired denied CSRs deleted", metadata: ["count": "\(deleted.count)"]) }
        return deleted
    }
}
