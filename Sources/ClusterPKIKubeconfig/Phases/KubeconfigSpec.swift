import ClusterPKICore
import Foundation
import X509

/// One kubeconfig file's identity resolved for this cluster (spec 2.1-2.2).
public struct KubeconfigSpec: Sendable, Hashable {
    public var profile: KubeconfigProfile
    /// Client certificate CN, also the kubeconfig user name.
    public var commonName: String
    public var organizations: [String]
    public var server: String
    public var clusterName: String

    public init(profile: KubeconfigProfile, settings: ClusterSettings) throws {
        self.profile = profile
        commonName = profile.commonName.replacingOccurrences(of: "${nodeName}", with: settings.nodeName)
        organizations = profile.organizations ?? []
        switch profile.server {
        case "controlPlaneEndpoint": server = try settings.controlPlaneURL()
        case "localAPIEndpoint": server = try settings.localAPIURL()
        default:
            throw PKIError.policy(
                field: "kubeconfigs[\(profile.file)].server",
                problem: "\"\(profile.server)\" is neither controlPlaneEndpoint nor localAPIEndpoint")
        }
        clusterName = settings.clusterName
    }

    /// The file name in the kubernetes dir, e.g. `admin.conf`.
    public var file: String { profile.file }
    /// The `kubeconfig generate` name, e.g. `admin` for `admin.conf`.
    public var phaseName: String { file.hasSuffix(".conf") ? String(file.dropLast(5)) : file }
    public var userName: String { commonName }
    public var contextName: String { "\(commonName)@\(clusterName)" }
}

extension TreeContext {
    /// Every kubeconfig file of the policy, in kubeadm's order.
    public func kubeconfigSpecs() throws -> [KubeconfigSpec] {
        try policy.kubeconfigs.map { try KubeconfigSpec(profile: $0, settings: settings) }
    }

    /// The cluster CA profile (`ca`) that signs kubeconfig client certificates.
    var clusterCAProfile: CertificateProfile {
        get throws {
            guard let profile = policy.authority(named: "ca") else {
                throw PKIError.policy(
                    field: "certificateAuthorities",
                    problem: "no CA named \"ca\"; kubeconfig client certificates are signed by it")
            }
            return profile
        }
    }

    /// The cluster CA, which must exist; its key may be absent (external CA).
    func clusterAuthority() throws -> CertificateAuthority {
        let profile = try clusterCAProfile
        guard let authority = try directory.loadAuthority(profile) else {
            throw KubeconfigError.missingCA(path: directory.url(profile.baseName, "crt").path)
        }
        return authority
    }

    /// The request for a kubeconfig client certificate: clientAuth only, no SANs.
    func clientRequest(commonName: String, organizations: [String], key: PrivateKeyMaterial, notAfter: Date)
        -> IssuanceRequest
    {
        IssuanceRequest(
            commonName: commonName, organizations: organizations,
            keyUsage: KeyUsage(
                [.digitalSignature, .keyEncipherment], keyIsRSA: key.isRSA,
                keyEnciphermentOnlyForRSA: policy.keyEnciphermentOnlyForRSA),
            extendedKeyUsages: [.clientAuth], notBefore: notBefore, notAfter: notAfter)
    }
}
