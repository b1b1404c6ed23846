import Foundation
import X509

/// Everything a phase needs: the policy, the cluster's settings, the directory and one start time.
public struct TreeContext: Sendable {
    public var policy: PKIPolicy
    public var settings: ClusterSettings
    /// One timestamp per process, as kubeadm v1.31+ uses for every certificate it signs.
    public var now: Date

    public init(policy: PKIPolicy, settings: ClusterSettings, now: Date = Date()) {
        self.policy = policy
        self.settings = settings
        self.now = now
    }

    public var directory: PKIDirectory { PKIDirectory(settings.certificatesDir) }
    public var keyAlgorithm: KeyAlgorithm { settings.encryptionAlgorithm ?? policy.keyAlgorithm }
    public var notBefore: Date { now - policy.validity.backdate.seconds }

    public func caNotAfter(_ profile: CertificateProfile) -> Date {
        now + (settings.caCertificateValidity ?? profile.validity ?? policy.validity.certificateAuthority).seconds
    }

    public func leafNotAfter(_ profile: CertificateProfile?) -> Date {
        now + (settings.certificateValidity ?? profile?.validity ?? policy.validity.certificate).seconds
    }

    /// Profiles that apply to this cluster (etcd ones only with local etcd; `store: etcd` ones when the state store
    /// is etcd, or while their certificate exists, so that renewal keeps covering them).
    public var activeProfiles: [CertificateProfile] {
        policy.orderedProfiles.filter { profile in
            guard !profile.requiresLocalEtcd || settings.usesLocalEtcd else { return false }
            guard profile.requiresEtcdStore else { return true }
            return settings.stateStoreOnEtcd || directory.exists(profile.baseName, "crt")
        }
    }

    /// The SANs a leaf must carry, with warnings for skipped entries.
    public func subjectAltNames(for profile: CertificateProfile) throws -> SubjectAltNames {
        switch profile.subjectAltNames ?? SANSource.none {
        case .none: return SubjectAltNames()
        case .apiserver: return try .apiServer(settings, baseName: profile.baseName)
        case .etcdServer: return try .etcd(settings, extra: settings.etcdServerCertSANs, baseName: profile.baseName)
        case .etcdPeer: return try .etcd(settings, extra: settings.etcdPeerCertSANs, baseName: profile.baseName)
        }
    }

    /// The issuance request for a leaf profile signed now.
    public func request(for profile: CertificateProfile, key: PrivateKeyMaterial, sans: SubjectAltNames)
        -> IssuanceRequest
    {
        IssuanceRequest(
            commonName: profile.commonName(nodeName: settings.nodeName),
            organizations: profile.organizations ?? [],
            subjectAltNames: sans,
            keyUsage: KeyUsage(
                profile.keyUsages, keyIsRSA: key.isRSA, keyEnciphermentOnlyForRSA: policy.keyEnciphermentOnlyForRSA),
            extendedKeyUsages: (profile.extKeyUsages ?? []).map(\.usage),
            notBefore: notBefore,
            notAfter: leafNotAfter(profile))
    }
}
