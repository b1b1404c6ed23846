import ClusterPKIAPI
import ClusterPKICore
import Foundation
import Logging
import X509

/// The server's own certificate, `clusterpki-server.{crt,key}` in the pki dir, issued by the cluster CA.
///
/// Reused while it is issued by the current CA, covers every required name and has more than `renewBefore` left;
/// otherwise reissued (new key) and written atomically with ``FileTransaction`` under the directory lock.
public struct ServingCertificate: Sendable {
    public static let baseName = "clusterpki-server"
    public static let commonName = "clusterpki-server"

    public let tree: TreeContext
    public let subjectAltNames: SubjectAltNames
    private let signer: @Sendable () -> CertificateAuthority

    /// The signing CA now; after a CA rotation's `switch` the certificate is reissued by the new one.
    public var authority: CertificateAuthority { signer() }

    public init(tree: TreeContext, authority: CertificateAuthority, subjectAltNames: SubjectAltNames) {
        self.init(
            tree: tree, authorities: ClusterCAWatcher(fixed: authority, bundlePEM: Data()),
            subjectAltNames: subjectAltNames)
    }

    public init(tree: TreeContext, authorities: ClusterCAWatcher, subjectAltNames: SubjectAltNames) {
        self.tree = tree
        self.signer = { authorities.current(refresh: true).signing }
        self.subjectAltNames = subjectAltNames
    }

    /// The PEM pair in use, and whether it was (re)issued by this call.
    public struct Material: Sendable, Equatable {
        public var certificatePEM: String
        public var keyPEM: String
        public var notAfter: Date
        public var renewed: Bool
    }

    /// The names for a listen host (`0.0.0.0`/`::` add loopback and the host address), the node name, the host
    /// of the advertised URL and extra entries (IPs or DNS names).
    public static func subjectAltNames(listenHost: String, nodeName: String, advertiseHost: String?, extras: [String])
        -> SubjectAltNames
    {
        var dns: [String] = []
        var ips: [IPAddress] = []
        func add(_ value: String) {
            let entry = value.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            guard !entry.isEmpty else { return }
            if let ip = IPAddress(entry) {
                if ip.octets.allSatisfy({ $0 == 0 }) {
                    ips.append(IPAddress("127.0.0.1")!)
                    if ip.isIPv6 { ips.append(IPAddress("::1")!) }
                    if let host = IPAddress.detectHostAddress() { ips.append(host) }
                } else {
                    ips.append(ip)
                }
            } else if SubjectAltNames.isDNS1123Subdomain(entry.lowercased())
                || SubjectAltNames.isWildcardDNS1123Subdomain(entry.lowercased())
            {
                dns.append(entry.lowercased())
            }
        }
        add(listenHost)
        add(nodeName)
        if let advertiseHost { add(advertiseHost) }
        extras.forEach(add)
        return SubjectAltNames(dnsNames: dns, ipAddresses: ips)
    }

    /// The serving key's algorithm: the cluster's `encryptionAlgorithm` when a config sets it (as kubeadm's apiserver
    /// certificate follows it), else the cluster CA key's, so that a tree made by `init --encryption-algorithm
    /// ECDSA-P256` gets an ECDSA serving key from a `serve` started without `--config` (the policy's default would be
    /// RSA-2048, one RSA signature per TLS handshake); the policy's default only for a CA without its key here.
    static func keyAlgorithm(tree: TreeContext, authority: CertificateAuthority) -> KeyAlgorithm {
        tree.settings.encryptionAlgorithm ?? authority.key?.algorithm ?? tree.keyAlgorithm
    }

    /// Loads the current pair, or issues a new one when needed.
    public func ensure(now: Date, logger: Logger) async throws -> Material {
        let policy = tree.policy.serverPolicy.servingCertificate
        let directory = tree.directory
        let authority = self.authority
        if let existing = try? directory.readCertificates(Self.baseName)?.first,
            let key = try? directory.readKey(Self.baseName),
            key.publicKey == existing.publicKey,
            authority.issued(existing),
            existing.notValidAfter.timeIntervalSince(now) > policy.renewBefore.seconds,
            covers(existing),
            let certificatePEM = try? PEMCertificates.encode([existing]), let keyPEM = try? key.pemString()
        {
            return Material(
                certificatePEM: certificatePEM, keyPEM: keyPEM, notAfter: existing.notValidAfter, renewed: false)
        }
        let key = try PrivateKeyMaterial.generate(Self.keyAlgorithm(tree: tree, authority: authority))
        let request = IssuanceRequest(
            commonName: Self.commonName, subjectAltNames: subjectAltNames,
            keyUsage: KeyUsage(
                [.digitalSignature, .keyEncipherment], keyIsRSA: key.isRSA,
                keyEnciphermentOnlyForRSA: tree.policy.keyEnciphermentOnlyForRSA),
            extendedKeyUsages: [.serverAuth], notBefore: now - tree.policy.validity.backdate.seconds,
            notAfter: now + policy.validity.seconds)
        let certificate = try authority.sign(request, publicKey: key.publicKey)
        let certificatePEM = try PEMCertificates.encode([certificate])
        let keyPEM = try key.pemString()
        try await directory.withExclusiveLock(create: false) {
            var transaction = FileTransaction()
            transaction.write(keyPEM, to: directory.path(Self.baseName, "key"), mode: 0o600)
            transaction.write(certificatePEM, to: directory.path(Self.baseName, "crt"), mode: 0o644)
            try transaction.commit(in: directory.root)
        }
        logger.info(
            "serving certificate issued",
            metadata: [
                "file": "\(directory.url(Self.baseName, "crt").path)",
                "notAfter": "\(RFC3339.format(certificate.notValidAfter))",
                "dns": "\(subjectAltNames.dnsNames)", "ips": "\(subjectAltNames.ipAddresses.map(\.description))",
            ])
        return Material(
            certificatePEM: certificatePEM, keyPEM: keyPEM, notAfter: certificate.notValidAfter, renewed: true)
    }

    /// Whether `certificate` names every required DNS name and IP address.
    func covers(_ certificate: Certificate) -> Bool {
        guard let present = try? CertificateNames(of: certificate) else { return subjectAltNames.isEmpty }
        return subjectAltNames.dnsNames.allSatisfy(present.dnsNames.contains)
            && subjectAltNames.ipAddresses.allSatisfy(present.ipAddresses.contains)
    }
}
