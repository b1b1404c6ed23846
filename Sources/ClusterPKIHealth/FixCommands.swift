import Foundation

/// Writes the fix of a finding as a command the operator can paste: `clusterpki <words>` plus the flags that point
/// it at the same tree and store the doctor looked at, each command with only the flags it accepts.
public struct FixCommands: Sendable, Hashable {
    /// Which flags a command takes.
    public enum Flags: Sendable {
        /// `--kubernetes-dir --cert-dir --config --policy` (certs, kubeconfig generate).
        case tree
        /// The tree's flags and `--db` (certs renew, rotate, ca rotate, sa rotate).
        case treeAndState
        /// `--db --kubernetes-dir --policy` (token commands).
        case token
        /// `--kubernetes-dir` (kubelet renew).
        case kubelet
    }

    public var kubernetesDir: String?
    public var certDir: String?
    public var config: String?
    public var policy: String?
    public var db: String?

    /// Each value is given only when it differs from the command's default (nil leaves the flag out).
    public init(
        kubernetesDir: String? = nil, certDir: String? = nil, config: String? = nil, policy: String? = nil,
        db: String? = nil
    ) {
        self.kubernetesDir = kubernetesDir
        self.certDir = certDir
        self.config = config
        self.policy = policy
        self.db = db
    }

    /// `clusterpki <words>` with the flags of `flags`.
    public func command(_ words: String, _ flags: Flags) -> String {
        var pairs: [(String, String?)] = []
        switch flags {
        case .tree:
            pairs = [
                ("--kubernetes-dir", kubernetesDir), ("--cert-dir", certDir), ("--config", config),
                ("--policy", policy),
            ]
        case .treeAndState:
            pairs = [
                ("--kubernetes-dir", kubernetesDir), ("--cert-dir", certDir), ("--config", config),
                ("--policy", policy), ("--db", db),
            ]
        case .token: pairs = [("--kubernetes-dir", kubernetesDir), ("--policy", policy), ("--db", db)]
        case .kubelet: pairs = [("--kubernetes-dir", kubernetesDir)]
        }
        let suffix = pairs.compactMap { flag, value in value.map { "\(flag) \(Self.quoted($0))" } }
        return (["clusterpki", words] + suffix).joined(separator: " ")
    }

    /// A word as the shell reads it back: bare when it is safe, single-quoted otherwise.
    public static func quoted(_ word: String) -> String {
        let safe = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty && word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
