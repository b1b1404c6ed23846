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

    func loadPolicy() throws -> PKIPolicy {
        try PKIPolicy(contentsOf: PolicyLocator.locate(policy))
    }

    /// Defaults, then --config, then --cert-dir.
    func settings() throws -> ClusterSettings {
        var settings = ClusterSettings(kubernetesDir: URL(fileURLWithPath: kubernetesDir))
        if let config {
            let file = try KubeadmConfigFile(contentsOf: URL(fileURLWithPath: config))
            file.apply(to: &settings)
            if let warning = file.warning { Console.warn(warning) }
        }
        if let certDir { settings.certificatesDir = URL(fileURLWithPath: certDir) }
        return settings
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

    func apply(to settings: inout ClusterSettings) throws {
        if let nodeName { settings.nodeName = nodeName }
        if let apiserverAdvertiseAddress {
            guard IPAddress(apiserverAdvertiseAddress) != nil else { throw PKIError.invalidAdvertiseAddress(apiserverAdvertiseAddress) }
            settings.advertiseAddress = apiserverAdvertiseAddress
        }
        if let controlPlaneEndpoint {
            _ = try ClusterSettings.splitHostPort(controlPlaneEndpoint)
            settings.controlPlaneEndpoint = controlPlaneEndpoint
        }
        if let apiserverCertExtraSans {
            settings.apiServerCertSANs += apiserverCertExtraSans.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let serviceCidr {
            for part in serviceCidr.split(separator: ",") { _ = try CIDR(parsing: part.trimmingCharacters(in: .whitespaces)) }
            settings.serviceSubnet = serviceCidr
        }
        if let serviceDnsDomain { settings.dnsDomain = serviceDnsDomain }
        if let encryptionAlgorithm { settings.encryptionAlgorithm = try KeyAlgorithm(parsing: encryptionAlgorithm) }
        if externalEtcd && settings.externalEtcd == nil { settings.externalEtcd = ExternalEtcd() }
    }

    func context(_ directories: DirectoryOptions) throws -> TreeContext {
        var settings = try directories.settings()
        try apply(to: &settings)
        return TreeContext(policy: try directories.loadPolicy(), settings: settings)
    }
}

enum Console {
    static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
