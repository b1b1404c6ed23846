import ArgumentParser
import ClusterPKICore
import Foundation

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

    /// The flags as settings on top of the defaults and --config (checked when applied).
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

    /// The policy and settings of `directories` with these flags on top.
    func context(_ directories: DirectoryOptions) throws -> TreeContext {
        try directories.context(overrides)
    }
}
