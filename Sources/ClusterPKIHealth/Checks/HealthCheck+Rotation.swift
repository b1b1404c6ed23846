import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

extension HealthCheck {
    /// Each CA rotation and the service-account key rotation under way, and what its next phase waits for (the
    /// refusal logic of `finish` itself, through ``CertificateAuthorityRotation/progress(context:store:)``).
    func rotationFindings() async -> (findings: [HealthFinding], rotations: [RotationStatus]) {
        var findings: [HealthFinding] = []
        var rotations: [RotationStatus] = []
        do {
            for progress in try await CertificateAuthorityRotation.progress(context: context, store: store) {
                let (finding, status) = rotationFinding(progress)
                findings += finding.map { [$0] } ?? []
                rotations.append(status)
            }
            let (finding, status) = try await serviceAccountRotation()
            findings += finding.map { [$0] } ?? []
            rotations.append(status)
        } catch {
            findings.append(
                HealthFinding(
                    .rotation, .error, "", "cannot read the rotation state: \(error)",
                    fix: commands.command("ca status", .treeAndState)))
        }
        if findings.isEmpty {
            findings.append(HealthFinding(.rotation, .ok, "", "no CA or service-account key rotation in progress"))
        }
        return (findings, rotations)
    }

    func rotationFinding(_ progress: CertificateAuthorityRotation.Progress) -> (HealthFinding?, RotationStatus) {
        let name = progress.authority
        let phase = { (phase: String) in self.commands.command("ca rotate \(name) --phase \(phase)", .treeAndState) }
        var waits: [String] = []
        var next: String?
        let finding: HealthFinding?
        switch progress.stage {
        case .idle:
            finding = nil
        case .prepared:
            waits = ["every node and component to trust both the current and the next \(name)"]
            next = phase("switch")
            let how =
                name == "ca"
                ? "restart the control-plane components and run `clusterpki kubelet renew` on every worker"
                : "restart the control-plane components\(name == "etcd-ca" ? " and etcd" : "")"
            finding = HealthFinding(
                .rotation, .info, name,
                "rotation prepared\(Self.since(progress.recorded)): the next CA is trusted, the current one still signs; switch waits for \(waits[0]) (\(how))",
                fix: next)
        case .switched:
            waits =
                progress.staleCertificates.map { "\($0) (still signed by the previous \(name))" }
                + progress.staleNodes.map {
                    "node \($0.commonName) (client certificates \($0.serials.joined(separator: ", ")) issued before the switch)"
                }
            if waits.isEmpty {
                next = phase("finish")
                finding = HealthFinding(
                    .rotation, .info, name,
                    "rotation switched\(Self.since(progress.recorded)): the next CA signs and nothing waits; finish drops the previous CA",
                    fix: next)
            } else {
                next =
                    progress.staleNodes.isEmpty
                    ? phase("switch")
                        + " (re-issues what is left; for kubelet.conf run `clusterpki kubelet renew` on this node)"
                    : "run `clusterpki kubelet renew` on each node while clusterpki serve runs (or `clusterpki kubeconfig revoke --client-name <name>` for a node that is gone), then \(phase("finish"))"
                finding = HealthFinding(
                    .rotation, .warning, name,
                    "rotation switched\(Self.since(progress.recorded)): finish waits for \(waits.joined(separator: "; "))",
                    fix: next)
            }
        case .inconsistent:
            next =
                progress.recorded.map { phase(Self.phaseToRerun($0.phase)) }
                ?? commands.command("ca status", .treeAndState)
            finding = HealthFinding(
                .rotation, .error, name,
                "the files of \(name) match no rotation phase (\(progress.bundle) certificates in its bundle; last recorded: \(progress.recorded?.phase ?? "none")): a phase was interrupted or the files changed outside clusterpki",
                fix: next)
        }
        let status = RotationStatus(
            subject: name, stage: progress.stage.rawValue, recordedPhase: progress.recorded?.phase,
            recordedAt: progress.recorded?.updatedAt,
            waitsFor: waits, next: next)
        return (finding, status)
    }

    func serviceAccountRotation() async throws -> (HealthFinding?, RotationStatus) {
        let status = try await ServiceAccountKeyRotation.status(context: context, store: store)
        let recorded = status.recorded
        guard status.verificationKeys.count > 1 else {
            return (
                nil,
                RotationStatus(
                    subject: "sa", stage: "idle", recordedPhase: recorded?.phase, recordedAt: recorded?.updatedAt,
                    waitsFor: [], next: nil)
            )
        }
        let next = commands.command("sa rotate --phase finish", .treeAndState)
        let waits = ["service-account tokens signed by the previous key are no longer in use"]
        let finding = HealthFinding(
            .rotation, .info, "sa",
            "service-account key rotation prepared\(Self.since(recorded)): sa.pub holds \(status.verificationKeys.count) keys; waits until \(waits[0])",
            fix: next)
        return (
            finding,
            RotationStatus(
                subject: "sa", stage: "prepared", recordedPhase: recorded?.phase, recordedAt: recorded?.updatedAt,
                waitsFor: waits, next: next)
        )
    }

    static func since(_ recorded: RotationPhase?) -> String {
        recorded.map { " on \(format($0.updatedAt))" } ?? ""
    }

    /// The phase to run again after an interruption, from the last one recorded.
    static func phaseToRerun(_ recorded: String) -> String {
        switch recorded {
        case "prepared", "switching": return "switch"
        case "switched", "finished": return "finish"
        default: return "prepare"
        }
    }
}
