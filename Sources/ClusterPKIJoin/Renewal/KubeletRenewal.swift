import ClusterPKIAPI
import ClusterPKICore
import Foundation
import X509

/// `clusterpki kubelet renew`: keeps a worker working through a CA rotation without a new join.
///
/// 1. Trust: cluster-info is read over TLS verified with kubelet.conf's CA data (never unverified), and a different
///    CA bundle is written into kubelet.conf and `pki/ca.crt` atomically: after `prepare` the node trusts old + new.
/// 2. Credential: when the client certificate is due, or not signed by the signing CA (the first of the bundle, so
///    after `switch`), a CSR authenticated with the current certificate gets a new one, written where kubelet.conf
///    points (or embedded), as `clusterpki join` writes it.
public struct KubeletRenewal: Sendable {
    public struct Outcome: Sendable, Equatable {
        public var trustUpdated: Bool
        public var renewed: Bool
        /// Where the client certificate is (a file, or kubelet.conf when embedded).
        public var certificatePath: String

        public init(trustUpdated: Bool, renewed: Bool, certificatePath: String) {
            self.trustUpdated = trustUpdated
            self.renewed = renewed
            self.certificatePath = certificatePath
        }
    }

    public let request: KubeletRenewRequest

    public init(_ request: KubeletRenewRequest) { self.request = request }

    var configURL: URL { request.kubernetesDir.appendingPathComponent("kubelet.conf") }

    public func run(now: Date = Date(), progress: @escaping @Sendable (String) -> Void = { _ in }) async throws
        -> Outcome
    {
        let node = try NodeConfig(url: configURL)
        let server = request.server ?? node.server
        let retry = Retry(deadline: Date() + request.timeout)

        // 1. Trust, verified with what this node trusts now.
        let reader = try APIClient.make(server: server, trust: .pinned(try node.roots()), bearerToken: nil)
        let fetched: String
        do {
            fetched = try await retry.run(step: "reading cluster-info") { () -> Retry.Outcome<String> in
                let response = try await reader.send(.GET, APIPaths.clusterInfo)
                guard response.status == 200 else {
                    return .again("HTTP \(response.status): \(APIClient.message(of: response))")
                }
                guard let kubeconfig = try Discovery.clusterInfo(response).data["kubeconfig"] else {
                    throw JoinError.noKubeconfigInClusterInfo
                }
                return .done(kubeconfig)
            }
        } catch let error as JoinError {
            await reader.shutdown()
            if case .timeout(_, let last) = error { throw JoinError.trustRefreshFailed(server: server, detail: last) }
            throw error
        }
        await reader.shutdown()
        let trusted = try Discovery.certificateAuthority(in: fetched)
        let (bundlePEM, bundle) = (trusted.caPEM, trusted.certificates)
        guard !bundle.isEmpty else { throw JoinError.malformedResponse("cluster-info holds no CA certificate") }
        var trustUpdated = false
        if bundle != node.bundle {
            try node.writeTrust(bundlePEM, kubernetesDir: request.kubernetesDir)
            trustUpdated = true
            progress(
                "[kubelet] kubelet.conf now trusts \(bundle.count) CA certificate(s) from cluster-info (was \(node.bundle.count))"
            )
        } else {
            progress("[kubelet] kubelet.conf already trusts the cluster's CA bundle")
        }

        // 2. The client certificate.
        let signing = CertificateAuthority(name: "ca", certificate: bundle[0], key: nil)
        let current = node.certificate
        let lifetime = current.notValidAfter.timeIntervalSince(current.notValidBefore)
        let due = current.notValidAfter.timeIntervalSince(now) < lifetime * request.renewFraction
        guard request.force || due || !signing.issued(current) else {
            progress(
                "[kubelet] the client certificate is signed by the current CA and not due (NotAfter \(current.notValidAfter.ISO8601Format()))"
            )
            return Outcome(trustUpdated: trustUpdated, renewed: false, certificatePath: node.certificatePath)
        }
        // An expired or foreign certificate cannot authenticate a CSR: say so now instead of retrying until --timeout.
        let kubernetesDir = request.kubernetesDir.path
        if let rejection = ClientCertificateRejection.check(current, bundle: bundle, now: now) {
            throw JoinError.clientCertificateRejected(
                path: node.certificatePath, cause: rejection, kubernetesDir: kubernetesDir)
        }
        guard let nodeName = node.nodeName else {
            throw JoinError.kubeletConfigUnusable(
                path: configURL.path,
                detail: "its client certificate is not a node's (CN system:node:<name>, O system:nodes)")
        }
        progress(
            "[kubelet] renewing the client certificate of system:node:\(nodeName) (\(signing.issued(current) ? "due" : "not signed by the current signing CA"))"
        )
        let client = try APIClient.make(
            server: server, trust: .pinned(try bundle.map { try NIOSSLCertificateBridge.certificate($0) }),
            bearerToken: nil,
            identity: APIClient.Identity(
                certificatePEM: try PEMCertificates.encode([current]), keyPEM: try node.key.pemString()))
        let issued: TLSBootstrap.Result
        var renewal = retry
        let certificatePath = node.certificatePath
        renewal.fatal = { error in
            ClientCertificateRejection.fromTLSError(error).map {
                JoinError.clientCertificateRejected(path: certificatePath, cause: $0, kubernetesDir: kubernetesDir)
            }
        }
        do {
            issued = try await TLSBootstrap(client: client, nodeName: nodeName, nodeIPs: [], retry: renewal).run(
                progress: progress)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        guard let certificate = try PEMCertificates.parse(issued.certificatePEM, path: "status.certificate").first,
            bundle.contains(where: { CertificateAuthority(name: "ca", certificate: $0, key: nil).issued(certificate) })
        else { throw JoinError.malformedResponse("the issued certificate is not signed by a CA of cluster-info") }
        try node.writeCredential(
            certificatePEM: issued.certificatePEM, key: issued.key, kubernetesDir: request.kubernetesDir)
        progress(
            "[kubelet] wrote the new client certificate to \(node.certificatePath) (NotAfter \(certificate.notValidAfter.ISO8601Format()))"
        )
        return Outcome(trustUpdated: trustUpdated, renewed: true, certificatePath: node.certificatePath)
    }
}
