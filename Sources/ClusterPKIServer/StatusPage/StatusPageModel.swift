import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIHealth
import ClusterPKIStore
import Foundation

/// Everything `/ui/` shows, as text ready for the template (which escapes every value): the doctor's findings, the
/// tree with its timelines, the rotations, the bootstrap tokens (never a secret), recent CSRs, the ledger and the
/// audit tail.
struct StatusPageModel: Sendable {
    struct Finding: Sendable { var area, severity, subject, message: String; var fix: String? }
    struct CertificateRow: Sendable {
        var name, kind, authority, commonName, notAfter, remaining, state, file: String
        var timeline: ExpiryTimeline?
    }
    struct Rotation: Sendable { var subject, stage, recorded, waitsFor, next: String }
    struct Token: Sendable { var id, description, usages, expires, ttlLeft, uses: String }
    struct CSR: Sendable { var name, signer, requester, created, decision, reason: String }
    struct Credential: Sendable {
        var serial, commonName, organizations, created, notAfter, actor, revoked: String; var isRevoked: Bool
    }
    struct AuditRow: Sendable { var time, actor, action, token, detail: String }

    var cluster, node, policy, generated, worst, summary: String
    var findings: [Finding]
    var certificates: [CertificateRow]
    var rotations: [Rotation]
    var rotationInProgress: Bool
    var tokens: [Token]
    var csrs: [CSR]
    var ledger: [Credential]
    var audit: [AuditRow]
    /// What could not be read from the store.
    var problems: [String]

    static let recentCSRs = 20
    static let ledgerRows = 50
    static let auditRows = 50

    init(report: HealthReport, tree: TreeContext, store: any StateStore, now: Date) async {
        let date = ExpirationReport.expiresFormat
        cluster = tree.settings.clusterName
        node = tree.settings.nodeName
        policy = report.policy
        generated = date(now)
        worst = report.worst.rawValue
        summary = HealthSeverity.allCases.reversed().map { "\(report.summary[$0]) \($0.rawValue)" }.joined(
            separator: ", ")
        findings = report.findings.map {
            Finding(
                area: $0.area.rawValue, severity: $0.severity.rawValue, subject: $0.subject, message: $0.message,
                fix: $0.fix)
        }
        certificates = report.certificates.map { status in
            CertificateRow(
                name: status.name, kind: status.kind.rawValue, authority: status.authority,
                commonName: status.commonName ?? "",
                notAfter: status.notAfter.map(date) ?? "missing",
                remaining: status.remaining(at: now).map { HumanDuration.short(seconds: $0) } ?? "",
                state: status.state.rawValue,
                file: status.file, timeline: ExpiryTimeline(status, now: now))
        }
        rotations = report.rotations.map { rotation in
            Rotation(
                subject: rotation.subject, stage: rotation.stage,
                recorded: rotation.recordedPhase.map { phase in
                    "\(phase)" + (rotation.recordedAt.map { " on \(date($0))" } ?? "")
                } ?? "none",
                waitsFor: rotation.waitsFor.joined(separator: "; "), next: rotation.next ?? "")
        }
        rotationInProgress = report.rotations.contains(where: \.inProgress)
        var problems: [String] = []
        func read<T>(_ what: String, _ body: () async throws -> [T]) async -> [T] {
            do { return try await body() } catch {
                problems.append("cannot read \(what): \(error)")
                return []
            }
        }
        tokens = await read("the bootstrap tokens") { try await store.liveTokens(readOnlyAt: now) }.map {
            Self.row($0, now: now)
        }
        csrs = await read("the CertificateSigningRequests") { try await store.certificateRequests() }
            .sorted { $0.created > $1.created }.prefix(Self.recentCSRs).map(Self.row)
        ledger = await read("the ledger") { try await store.credentials() }.reversed().prefix(Self.ledgerRows).map(
            Self.row)
        audit = await read("the audit log") { try await store.auditEvents(limit: Self.auditRows) }.reversed().map {
            AuditRow(
                time: date($0.time), actor: $0.actor, action: $0.action.rawValue, token: $0.tokenID ?? "",
                detail: $0.detail)
        }
        self.problems = problems
    }

    /// A token's id, never its secret.
    static func row(_ token: BootstrapToken, now: Date) -> Token {
        Token(
            id: token.id, description: token.description, usages: token.usages.map(\.rawValue).joined(separator: ","),
            expires: token.expires.map(ExpirationReport.expiresFormat) ?? "never",
            ttlLeft: token.expires.map { HumanDuration.short(seconds: $0.timeIntervalSince(now)) } ?? "<forever>",
            uses: token.maxUses.map { "\(token.usesLeft ?? $0) of \($0) left" } ?? "unlimited")
    }

    static func row(_ request: StoredCertificateRequest) -> CSR {
        let object = try? KubernetesJSON.decode(CertificateSigningRequestObject.self, from: request.object)
        let decided = object?.status?.conditions?.first { ["Approved", "Denied", "Failed"].contains($0.type) }
        return CSR(
            name: request.name, signer: object?.spec.signerName ?? "", requester: request.requester,
            created: ExpirationReport.expiresFormat(request.created), decision: decided?.type ?? "Pending",
            reason: [decided?.reason, decided?.message].compactMap { $0 }.joined(separator: ": "))
    }

    static func row(_ credential: IssuedCredential) -> Credential {
        Credential(
            serial: credential.serial, commonName: credential.commonName,
            organizations: credential.organizations.joined(separator: ","),
            created: ExpirationReport.expiresFormat(credential.created),
            notAfter: ExpirationReport.expiresFormat(credential.notAfter),
            actor: credential.actor,
            revoked: credential.revoked.map {
                "revoked \(ExpirationReport.expiresFormat($0)) by \(credential.revokedBy ?? "?")"
            } ?? "",
            isRevoked: credential.isRevoked)
    }
}
