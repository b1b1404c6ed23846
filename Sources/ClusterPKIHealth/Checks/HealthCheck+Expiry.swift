import ClusterPKICore
import Foundation

extension HealthCheck {
    /// Nothing expired, nothing not yet valid, nothing inside the policy's renewal window; each finding names the
    /// command that renews it (for a CA: the rotation that replaces it).
    func expiryFindings(_ inventory: CertificateInventory) -> [HealthFinding] {
        var findings: [HealthFinding] = []
        let renewal = context.policy.renewalPolicy
        for entry in inventory.entries {
            let status = entry.status
            guard let notAfter = status.notAfter else { continue }
            let when = Self.format(notAfter)
            switch status.state {
            case .expired:
                findings.append(
                    HealthFinding(
                        .expiry, .critical, status.name,
                        "expired on \(when) (\(HumanDuration.short(seconds: now.timeIntervalSince(notAfter))) ago)",
                        fix: renewCommand(entry, expired: true)))
            case .due:
                findings.append(
                    HealthFinding(
                        .expiry, .warning, status.name,
                        "expires on \(when), in \(HumanDuration.short(seconds: notAfter.timeIntervalSince(now))): inside the renewal window (\(renewal.window) of its lifetime, at most \(renewal.maxWindow))",
                        fix: renewCommand(entry, expired: false)))
            case .notYetValid:
                findings.append(
                    HealthFinding(
                        .expiry, .error, status.name,
                        "is not valid before \(Self.format(status.notBefore ?? notAfter)): check this node's clock",
                        fix: "timedatectl status (then fix NTP, or re-issue it: \(renewCommand(entry, expired: false)))"
                    ))
            case .valid, .missing:
                break
            }
        }
        if findings.isEmpty {
            let next = inventory.statuses.filter { $0.renewalTime != nil }.min { $0.renewalTime! < $1.renewalTime! }
            let detail = next.map { "; the next one due is \($0.name) on \(Self.format($0.renewalTime!))" } ?? ""
            findings.append(
                HealthFinding(
                    .expiry, .ok, "",
                    "\(inventory.statuses.filter { $0.notAfter != nil }.count) certificates are valid beyond their renewal window\(detail)"
                ))
        }
        return findings
    }

    /// The command that replaces a certificate: a CA rotates; a kubelet credential renews through the endpoint (or
    /// the node joins again once it expired); an external CA's leaf goes back to that CA; anything else renews.
    func renewCommand(_ entry: CertificateInventory.Entry, expired: Bool) -> String {
        let status = entry.status
        switch status.kind {
        case .authority:
            return commands.command("ca rotate \(status.name) --phase prepare", .treeAndState)
                + " (then --phase switch and --phase finish)"
        case .kubeconfig where entry.kubeconfig?.renewable != true:
            // A node holding ca.key (a control plane) can write its kubelet.conf afresh; others renew through serve.
            if let ca = context.policy.authority(named: "ca"), context.directory.exists(ca.baseName, "key"),
                let file = entry.kubeconfig?.file
            {
                let phase = file.hasSuffix(".conf") ? String(file.dropLast(5)) : file
                return "move \(file) aside, then \(commands.command("kubeconfig generate \(phase)", .treeAndState))"
            }
            return expired
                ? "join this node again: \(commands.command("token create", .token)) on a control-plane node, then `clusterpki join` here"
                : commands.command("kubelet renew", .kubelet) + " (while clusterpki serve runs)"
        case .serving:
            return commands.command("rotate", .treeAndState) + " (or restart clusterpki serve, which renews it)"
        case .leaf, .kubeconfig:
            if let issuer = context.policy.authority(named: status.authority),
                !context.directory.exists(issuer.baseName, "key")
            {
                return "re-issue it with the external \(status.authority) (its key is not on this node)"
            }
            return commands.command("certs renew \(status.name)", .treeAndState)
        }
    }
}
