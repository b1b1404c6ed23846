import ClusterPKICore
import ClusterPKIStore
import Foundation

extension HealthCheck {
    /// Bootstrap tokens that never expire, expire within ``tokenExpiryNotice``, or are used up; never their secrets.
    func tokenFindings() async -> [HealthFinding] {
        guard let store = store else { return [] }
        let tokens: [BootstrapToken]
        do { tokens = try await store.liveTokens(readOnlyAt: now) } catch {
            return [
                HealthFinding(
                    .tokens, .error, "", "cannot list the bootstrap tokens: \(error)",
                    fix: commands.command("token list", .token))
            ]
        }
        var findings: [HealthFinding] = []
        for token in tokens {
            let subject = "token \(token.id)"
            if token.usesLeft == 0 {
                findings.append(
                    HealthFinding(
                        .tokens, .info, subject, "has no uses left",
                        fix: commands.command("token delete \(token.id)", .token)))
            } else if let expires = token.expires, expires.timeIntervalSince(now) < Self.tokenExpiryNotice {
                findings.append(
                    HealthFinding(
                        .tokens, .info, subject,
                        "expires in \(HumanDuration.short(seconds: expires.timeIntervalSince(now))); nodes joining later need a new one",
                        fix: commands.command("token create", .token)))
            } else if token.expires == nil {
                findings.append(
                    HealthFinding(
                        .tokens, .warning, subject,
                        "never expires: anyone who learns it can join a node to this cluster",
                        fix: commands.command("token delete \(token.id)", .token) + " (and create one with a TTL)"))
            }
        }
        if findings.isEmpty {
            findings.append(
                HealthFinding(
                    .tokens, .ok, "",
                    tokens.isEmpty
                        ? "no live bootstrap token (create one to join a node)"
                        : "\(tokens.count) live bootstrap tokens, none near expiry"))
        }
        return findings
    }

    /// A token closer to its expiry than this is reported (kubeadm's default TTL is 24h).
    static let tokenExpiryNotice: TimeInterval = 3600
}
