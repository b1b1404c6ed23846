import ClusterPKIHealth
import Foundation

extension DirectoryOptions {
    /// The flags a fix command needs to reach the same tree and store (only those that differ from the defaults).
    func fixCommands(db: String) -> FixCommands {
        FixCommands(
            kubernetesDir: kubernetesDir == "/etc/kubernetes" ? nil : kubernetesDir, certDir: certDir, config: config,
            policy: policy,
            db: db == "/var/lib/clusterpki/state.db" ? nil : db)
    }
}
