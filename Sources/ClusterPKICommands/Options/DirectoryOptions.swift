import ArgumentParser
import ClusterPKICore
import Foundation

/// Where the cluster's files live, which kubeadm config and which policy apply.
struct DirectoryOptions: ParsableArguments {
    @Option(help: "The Kubernetes configuration directory (kubeconfig files; certificates in DIR/pki).")
    var kubernetesDir = "/etc/kubernetes"

    @Option(help: "The certificate directory (default: <kubernetes-dir>/pki, or certificatesDir from --config).")
    var certDir: String?

    @Option(help: "A kubeadm InitConfiguration/ClusterConfiguration file (v1beta3 or v1beta4).")
    var config: String?

    @Option(help: "A policy file or name (kubeadm, hardened).")
    var policy: String?

    /// The policy and the settings: defaults, then --config, then `flags` (and --cert-dir).
    func context(_ flags: SettingsOverrides = SettingsOverrides()) throws -> TreeContext {
        var flags = flags
        flags.certificatesDir = certDir
        return try TreeContext.layered(
            policy: policy, kubernetesDir: URL(fileURLWithPath: kubernetesDir), configFile: config.map(URL.init(fileURLWithPath:)),
            overrides: flags, warn: Console.warn)
    }

    /// The settings alone (defaults, --config, --cert-dir).
    func settings() throws -> ClusterSettings {
        var flags = SettingsOverrides()
        flags.certificatesDir = certDir
        return try ClusterSettings.layered(
            kubernetesDir: URL(fileURLWithPath: kubernetesDir), configFile: config.map(URL.init(fileURLWithPath:)), overrides: flags,
            warn: Console.warn)
    }
}

/// The cluster flags of `kubeadm init phase certs`.
struct ClusterFlags: ParsableArguments {
    @Option(help: "The node name (default: the host name).")
    var nodeName: String?

    @Option(help: "The IP address the API server advertises.")
    var apiserverAdvertiseAddress: String?

    @Option(help: "A stable address for the control plane, host[:port].")
    var controlPlaneEndpoint: String?

    @Option(help: "Extra SANs for the API server certificate, comma-separated IPs and DNS names.")
    var apiserverCertExtraSans: String?

    @Option(help: "The service subnet (default 10.96.0.0/12).")
    var serviceCidr: String?

    @Option(help: "The service DNS domain (default cluster.local).")
    var serviceDnsDomain: String?

    @Option(help: "RSA-2048, RSA-3072, RSA-4096, ECDSA-P256 or ECDSA-P384 (default: the policy's).")
    var encryptionAlgorithm: String?

    @Flag(help: "The cluster uses an external etcd: no etcd CA or etcd certificates.")
    var externalEtcd = false

    var overrides: SettingsOverrides {
        var flags = SettingsOverrides()
        flags.nodeName = nodeName
        flags.advertiseAddress = apiserverAdvertiseAddress
        flags.controlPlaneEndpoint = controlPlaneEndpoint
        flags.apiServerCertExtraSANs = (apiserverCertExtraSans ?? "").split(separator: ",").map(String.init)
        flags.serviceSubnet = serviceCidr
        flags.dnsDomain = serviceDnsDomain
        flags.encryptionAlgorithm = encryptionAlgorithm
        flags.externalEtcd = externalEtcd
        return flags
    }

    func context(_ directories: DirectoryOptions) throws -> TreeContext {
        try directories.context(overrides)
    }
}

enum Console {
    static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
