import ArgumentParser

/// The `clusterpki` command tree; the executable only calls ``main()``.
public struct ClusterPKICommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "clusterpki",
        abstract: "A certificate authority and credential-lifecycle service for kubeadm-style Kubernetes clusters.",
        subcommands: [
            InitCommand.self, CertsCommand.self, KubeconfigCommand.self, TokenCommand.self, UploadCerts.self,
            DownloadCerts.self,
            JoinNode.self, ServeCommand.self, RotateCommand.self, ServiceAccountCommand.self, CACommand.self,
            KubeletCommand.self,
            AuditCommand.self,
            DoctorCommand.self,
            StoreCommand.self,
        ])

    public init() {}
}
