import Foundation

/// What flags set on top of kubeadm's defaults and a `--config` file; nil (or empty) leaves a value as it is.
///
/// One home for kubeadm's precedence (defaults, then `--config`, then flags) used by every command and by
/// `clusterpki join`, so a flag means the same thing everywhere.
public struct SettingsOverrides: Sendable, Hashable {
    public var certificatesDir: String?
    public var nodeName: String?
    public var advertiseAddress: String?
    public var controlPlaneEndpoint: String?
    /// Extra API server SANs, appended to those of `--config`.
    public var apiServerCertExtraSANs: [String] = []
    public var serviceSubnet: String?
    public var dnsDomain: String?
    public var encryptionAlgorithm: String?
    /// The cluster uses an external etcd (no etcd CA or etcd certificates).
    public var externalEtcd = false
    /// The state store is etcd (`--store etcd://...`).
    public var stateStoreOnEtcd = false

    public init() {}

    /// Only the node name (`--node-name`) overridden.
    public init(nodeName: String?) { self.nodeName = nodeName }

    /// Checks every value before anything reads or writes files.
    public func validate() throws {
        if let advertiseAddress, IPAddress(advertiseAddress) == nil {
            throw PKIError.invalidAdvertiseAddress(advertiseAddress)
        }
        if let controlPlaneEndpoint { _ = try ClusterSettings.splitHostPort(controlPlaneEndpoint) }
        if let serviceSubnet {
            for part in serviceSubnet.split(separator: ",") {
                _ = try CIDR(parsing: part.trimmingCharacters(in: .whitespaces))
            }
        }
        if let encryptionAlgorithm { _ = try KeyAlgorithm(parsing: encryptionAlgorithm) }
    }

    /// Applies the flags to `settings` (which already holds the defaults and `--config`).
    public func apply(to settings: inout ClusterSettings) throws {
        try validate()
        if let certificatesDir { settings.certificatesDir = URL(fileURLWithPath: certificatesDir) }
        if let nodeName { settings.nodeName = nodeName }
        if let advertiseAddress { settings.advertiseAddress = advertiseAddress }
        if let controlPlaneEndpoint { settings.controlPlaneEndpoint = controlPlaneEndpoint }
        settings.apiServerCertSANs += apiServerCertExtraSANs.map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        if let serviceSubnet { settings.serviceSubnet = serviceSubnet }
        if let dnsDomain { settings.dnsDomain = dnsDomain }
        if let encryptionAlgorithm { settings.encryptionAlgorithm = try KeyAlgorithm(parsing: encryptionAlgorithm) }
        if externalEtcd && settings.externalEtcd == nil { settings.externalEtcd = ExternalEtcd() }
        if stateStoreOnEtcd { settings.stateStoreOnEtcd = true }
    }
}

extension ClusterSettings {
    /// kubeadm's precedence: the defaults for `kubernetesDir`, then the `--config` file (its warning for ignored fields
    /// goes to `warn`), then `overrides`.
    public static func layered(
        kubernetesDir: URL, configFile: URL? = nil, overrides: SettingsOverrides = SettingsOverrides(),
        warn: (String) -> Void = { _ in }
    ) throws -> ClusterSettings {
        var settings = ClusterSettings(kubernetesDir: kubernetesDir)
        if let configFile {
            let file = try KubeadmConfigFile(contentsOf: configFile)
            file.apply(to: &settings)
            if let warning = file.warning { warn(warning) }
        }
        try overrides.apply(to: &settings)
        return settings
    }
}

extension TreeContext {
    /// The policy (`--policy`: a file or a name, found by ``PolicyLocator``) and the layered settings.
    public static func layered(
        policy: String?, kubernetesDir: URL, configFile: URL? = nil, overrides: SettingsOverrides = SettingsOverrides(),
        warn: (String) -> Void = { _ in }
    ) throws -> TreeContext {
        let policy = try PKIPolicy(locating: policy)
        let settings = try ClusterSettings.layered(
            kubernetesDir: kubernetesDir, configFile: configFile, overrides: overrides, warn: warn)
        return TreeContext(policy: policy, settings: settings)
    }
}
