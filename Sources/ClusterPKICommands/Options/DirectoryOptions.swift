import ArgumentParser
import ClusterPKICore
import Foundation

/// Where the cluster's files live, which kubeadm config and which policy apply.
struct DirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("kubernetes-dir"),
        help: ArgumentHelp(
            "The Kubernetes configuration directory (kubeconfig files; certificates in DIR/pki). (default: /etc/kubernetes)",
            valueName: "kubernetes-dir"))
    var kubernetesDirFlag: String?

    /// `--kubernetes-dir`, or `/etc/kubernetes`.
    var kubernetesDir: String { kubernetesDirFlag ?? StateStoreLocation.defaultKubernetesDir.path }

    /// `--kubernetes-dir` when it was given: then the state key is its pki/clusterpki-state.key (``StateStoreLocation``).
    var givenKubernetesDir: URL? { kubernetesDirFlag.map { URL(fileURLWithPath: $0) } }

    @Option(help: "The certificate directory (default: <kubernetes-dir>/pki, or certificatesDir from --config).")
    var certDir: String?

    @Option(help: "A kubeadm InitConfiguration/ClusterConfiguration file (v1beta3 or v1beta4).")
    var config: String?

    @Option(help: "A policy file or name (kubeadm, hardened).")
    var policy: String?

    /// The policy and the settings: defaults, then --config, then `flags` (and --cert-dir).
    func context(_ flags: SettingsOverrides = SettingsOverrides()) throws -> TreeContext {
        try TreeContext.layered(
            policy: policy, kubernetesDir: URL(fileURLWithPath: kubernetesDir), configFile: configFile,
            overrides: withCertDir(flags), warn: Console.warn)
    }

    /// The settings alone (defaults, --config, --cert-dir).
    func settings() throws -> ClusterSettings {
        try ClusterSettings.layered(
            kubernetesDir: URL(fileURLWithPath: kubernetesDir), configFile: configFile,
            overrides: withCertDir(SettingsOverrides()),
            warn: Console.warn)
    }

    private var configFile: URL? { config.map(URL.init(fileURLWithPath:)) }

    private func withCertDir(_ flags: SettingsOverrides) -> SettingsOverrides {
        var flags = flags
        flags.certificatesDir = certDir
        return flags
    }
}
