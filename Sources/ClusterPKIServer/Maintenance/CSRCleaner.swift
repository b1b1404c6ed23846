import ClusterPKICore
import ClusterPKIStore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes CSRs once they have been kept as long as kube-controller-manager's csrcleaner keeps them: denied or failed
/// ones `deniedTTL` after that condition, approved ones `approvedTTL` after their approval, undecided ones `pendingTTL`
/// after their creation (policy `server.certificateSigningRequests`; 1h, 1h and 24h as upstream), each with a
/// `csr.delete` audit event in its transaction. Without it every request (up to `maxRequestBodyBytes` each) would be
/// kept for ever, and anyone holding a bootstrap token could grow the store without bound. The issued certificate
/// stays in the ledger and the node record stays: only the request object goes. It goes through the store protocol
/// only, so it works on every backend.
public struct CSRCleaner: Service {
    /// The audit actor of the deletions.
    public static let actor = "csr-cleaner"
    public let interval: Duration
    let store: any CertificateRequestStore
    let ttls: TTLs
    let logger: Logger
    let now: @Sendable () -> Date

    /// How long a request is kept after the time it ages from, by its decision.
    public struct TTLs: Sendable {
        public var denied: GoDuration
        public var approved: GoDuration
        public var pending: GoDuration

        public init(denied: GoDuration, approved: GoDuration, pending: GoDuration) {
            self.denied = denied
            self.approved = approved
            self.pending = pending
        }

        /// The policy's `deniedTTL`, `approvedTTL` and `pendingTTL`.
        public init(policy: ServerPolicy.CSRPolicy) {
            self.init(denied: policy.deniedTTL, approved: policy.approvedTTL, pending: policy.pendingTTL)
        }

        func ttl(of decision: CSRAge.Decision) -> GoDuration {
            switch decision {
            case .denied: denied
            case .approved: approved
            case .pending: pending
            }
        }
    }

    public init(
        store: any CertificateRequestStore, ttls: TTLs, interval: Duration = .seconds(60), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.ttls = ttls
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    /// The cleaner of `environment`: its store, its policy's TTLs and its clock.
    public init(environment: ServerEnvironment, logger: Logger) {
        self.init(
            store: environment.store, ttls: TTLs(policy: environment.serverPolicy.certificateSigningRequests),
            logger: logger, now: environment.now)
    }

    public func run() async throws {
        await PeriodicLoop.run(every: interval) { _ = await sweepOnce() }
    }

    /// One sweep; returns the names deleted, or nil when the store could not be listed (logged; the next interval
    /// tries again).
    @discardableResult
    public func sweepOnce() async -> [String]? {
        let time = now()
        // Every request ages from its creation or later, so one created within the shortest TTL is not read.
        let youngest = time.addingTimeInterval(-min(ttls.denied.seconds, ttls.approved.seconds, ttls.pending.seconds))
        let expired: [(request: StoredCertificateRequest, decision: CSRAge.Decision)]
        do {
            expired = try await store.certificateRequests(createdAtOrBefore: youngest).compactMap { request in
                guard let age = request.age else { return nil }
                let ttl = ttls.ttl(of: age.decision)
                return age.since <= time.addingTimeInterval(-ttl.seconds) ? (request, age.decision) : nil
            }
        } catch {
            logger.warning("CSR sweep failed; retrying at the next interval", metadata: ["error": "\(error)"])
            return nil
        }
        var deleted = [String]()
        for (request, decision) in expired {
            let field = "\(decision.rawValue)TTL"
            let event = AuditEvent(
                time: time, actor: Self.actor, action: .certificateRequestDeleted,
                detail:
                    "\(request.name) reason=\(decision.reason) requester=\(request.requester) \(field)=\(ttls.ttl(of: decision)) (policy server.certificateSigningRequests.\(field))"
            )
            do {
                _ = try await store.deleteCertificateRequest(
                    name: request.name, recording: CertificateRequestRecords(auditEvents: [event]))
                deleted.append(request.name)
            } catch StoreError.certificateRequestNotFound {
                continue  // deleted by an admin (or another replica) since the list
            } catch {
                logger.warning(
                    "cannot delete an expired CSR; retrying at the next interval",
                    metadata: ["csr": "\(request.name)", "error": "\(error)"])
            }
        }
        if !deleted.isEmpty { logger.info("expired CSRs deleted", metadata: ["count": "\(deleted.count)"]) }
        return deleted
    }
}
