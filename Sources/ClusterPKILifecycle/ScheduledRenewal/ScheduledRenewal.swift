import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// `clusterpki rotate` as a library call (the scheduled renewal a timer runs on every control-plane node): renews every leaf, kubeconfig client certificate and serving certificate that
/// the policy's renewal window says is due, audits each renewal and runs the restart hook once if anything changed.
public struct ScheduledRenewal: Sendable {
    public var context: TreeContext
    /// The state store: the ledger refuses revoked credentials and records new kubeconfig serials; the audit log gets one
    /// event per renewal. Nil runs without either (nothing is refused or audited).
    public var store: (any StateStore)?
    public var actor: String
    public var dryRun: Bool
    public var restartHook: String?
    /// Where the count of renewed certificates goes (a terminal's progress counter).
    public var progress: WorkProgress.Sink = WorkProgress.ignore

    public init(
        context: TreeContext, store: (any StateStore)?, actor: String, dryRun: Bool = false, restartHook: String? = nil
    ) {
        self.context = context
        self.store = store
        self.actor = actor
        self.dryRun = dryRun
        self.restartHook = restartHook
    }

    /// Every credential `rotate` considers: PKI leaves, renewable kubeconfigs, `clusterpki-server` if present, and on a
    /// node holding `ca.key` its own kubelet.conf client certificate (``TreeContext/kubeletCredential``).
    public var credentials: [any RenewableCredential] {
        context.renewableCredentials + [context.servingCredential, context.kubeletCredential].compactMap { $0 }
    }

    /// Runs once; certificate failures, audit failures and a failing hook end up in the report, never thrown.
    public func run(output: @Sendable (String) -> Void = { _ in }) async throws -> ScheduledRenewalReport {
        let (context, store) = (self.context, self.store)
        let renewer = Renewer.recordingInLedger(context: context, credentials: credentials, ledger: store, actor: actor)
        let options = RenewalOptions(
            dueBy: context.policy.renewalPolicy, dryRun: dryRun, collectFailures: true, progress: progress)
        let renewal = try await renewer.renew(["all"], options: options, output: output)
        var report = ScheduledRenewalReport(time: context.now, policy: context.policy, dryRun: dryRun, renewal: renewal)
        if !dryRun, let store {
            for item in report.renewed {
                do {
                    try await store.recordAuditEvent(
                        AuditEvent(
                            time: context.now, actor: actor, action: .certificateRenewed, detail: Self.detail(item)))
                } catch {
                    report.errors.append("audit log: cannot record the renewal of \(item.name): \(error); check --db")
                }
            }
            for item in report.failed {
                try? await store.recordAuditEvent(
                    AuditEvent(
                        time: context.now, actor: actor, action: .rotationFailed,
                        detail: "\(item.name): \(item.error ?? "")"))
            }
        }
        if !dryRun, let restartHook, !report.renewed.isEmpty {
            let result = await RestartHook.run(
                restartHook, environment: ["CLUSTERPKI_RENEWED": report.renewed.map(\.name).joined(separator: " ")])
            report.hook = result
            if !result.succeeded {
                report.errors.append(
                    "restart hook `\(restartHook)` "
                        + (result.exitStatus.map { "exited with status \($0)" } ?? "could not start")
                        + "; the certificates were renewed, restart the components by hand and fix the hook")
            }
        }
        report.succeeded = report.failures.isEmpty
        return report
    }

    /// The audit detail of a renewal: name, serials and NotAfter before and after.
    static func detail(_ item: ScheduledRenewalReport.Item) -> String {
        func time(_ date: Date?) -> String { date.map { $0.ISO8601Format() } ?? "?" }
        return
            "\(item.name) serial \(item.oldSerial ?? "?") -> \(item.newSerial ?? "?"), notAfter \(time(item.oldNotAfter)) -> \(time(item.newNotAfter))"
    }
}
